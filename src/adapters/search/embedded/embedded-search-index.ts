// The embedded SearchIndex (src/engine/ports/search-index.ts): namespaces are loaded into memory
// on first use from the metadata database, then kept current by applying the documents' change
// log before every search. Exact scans only in this version.
import type { DocumentFeedRepository } from '../../../engine/documents/document-feed.ts';
import type { FilterQuery, IndexStats, SearchHit, SearchIndex, TextQuery, VectorQuery } from '../../../engine/ports/search-index.ts';
import { NamespaceIndex } from './namespace-index.ts';

/** Changes (and documents) read per round trip while catching up. */
const CATCH_UP_PAGE = 1000;
/** Documents read per round trip while loading a namespace. */
const LOAD_PAGE = 2000;

export interface EmbeddedSearchIndexOptions {
  feed: DocumentFeedRepository;
  onBackgroundError?: (err: unknown) => void;
}

export class EmbeddedSearchIndex implements SearchIndex {
  readonly kind = 'embedded';
  private readonly namespaces = new Map<string, NamespaceIndex>();
  /** One catch-up at a time per namespace: concurrent searches wait for the same one. */
  private readonly pending = new Map<string, Promise<NamespaceIndex>>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly options: EmbeddedSearchIndexOptions) {}

  async searchVectors(query: VectorQuery): Promise<SearchHit[]> {
    const ns = await this.current(query.namespaceId);
    const space = ns.space(query.vectorName, query.vector.length);
    if (!space) return [];
    const accept = ns.acceptor(query.organizationInternalId, query.collectionIds, query.filter);
    return space.scan(query.vector, query.k, accept).map((h) => ns.hit(h.documentId, h.score));
  }

  async searchText(query: TextQuery): Promise<SearchHit[]> {
    const ns = await this.current(query.namespaceId);
    const accept = ns.acceptor(query.organizationInternalId, query.collectionIds, query.filter);
    return ns.text.search(query.text, query.fields, query.k, accept).map((h) => ns.hit(h.documentId, h.score));
  }

  async filterDocuments(query: FilterQuery): Promise<SearchHit[]> {
    const ns = await this.current(query.namespaceId);
    const accept = ns.acceptor(query.organizationInternalId, query.collectionIds, query.filter);
    const ids = [...ns.entries.keys()].filter(accept).sort();
    return ids.slice(0, query.limit).map((id) => ns.hit(id, 0));
  }

  documentsChanged(namespaceId: string): void {
    if (!this.namespaces.has(namespaceId)) return;
    const work = this.current(namespaceId).catch((err) => this.options.onBackgroundError?.(err));
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  async rebuild(namespaceId: string | null): Promise<{ namespaces: number; documents: number }> {
    const ids = namespaceId === null ? await this.options.feed.namespacesWithDocuments() : [namespaceId];
    if (namespaceId === null) this.namespaces.clear();
    let documents = 0;
    for (const id of ids) {
      this.namespaces.delete(id);
      documents += (await this.current(id)).entries.size;
    }
    return { namespaces: ids.length, documents };
  }

  async stats(namespaceId: string): Promise<IndexStats> {
    const ns = await this.current(namespaceId);
    const vectors: IndexStats['vectors'] = {};
    for (const [name, space] of ns.spaces) vectors[name] = { count: space.size, dimensions: space.dimensions, annIndexed: 0 };
    return { namespaceId, documents: ns.entries.size, vectors, appliedSeq: ns.appliedSeq };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  /** The namespace's index, caught up with every change committed before this call. */
  private current(namespaceId: string): Promise<NamespaceIndex> {
    const previous = this.pending.get(namespaceId);
    // Chained: a search that arrives during a catch-up needs one that starts after its own arrival.
    const next = (previous ?? Promise.resolve(null)).catch(() => null).then(() => this.catchUp(namespaceId));
    this.pending.set(namespaceId, next);
    void next.finally(() => {
      if (this.pending.get(namespaceId) === next) this.pending.delete(namespaceId);
    }).catch(() => {});
    return next;
  }

  private async catchUp(namespaceId: string): Promise<NamespaceIndex> {
    let ns = this.namespaces.get(namespaceId);
    if (!ns) {
      ns = await this.load(namespaceId);
      this.namespaces.set(namespaceId, ns);
    }
    const feed = this.options.feed;
    for (;;) {
      const changes = await feed.changesSince(namespaceId, ns.appliedSeq, CATCH_UP_PAGE);
      if (changes.length === 0) return ns;
      // The database holds each document's latest committed state (at least as new as this page):
      // re-reading it makes applying a page idempotent and order-free within the page.
      const ids = new Set<string>();
      const collections = new Set<string>();
      for (const c of changes) {
        if (c.documentId !== null) ids.add(c.documentId);
        else collections.add(c.collectionId);
      }
      const found = await feed.documentsForIndex(namespaceId, [...ids]);
      const present = new Set(found.map((d) => d.documentId));
      for (const id of ids) if (!present.has(id)) ns.remove(id);
      for (const d of found) ns.upsert(d);
      for (const collectionId of collections) {
        const live = new Set(await feed.documentIdsInCollection(namespaceId, collectionId));
        for (const [id, entry] of ns.entries) if (entry.collectionId === collectionId && !live.has(id)) ns.remove(id);
      }
      ns.appliedSeq = changes[changes.length - 1]!.seq;
    }
  }

  /** Reads the namespace's documents; changes committed during the read are applied by the catch-up that follows. */
  private async load(namespaceId: string): Promise<NamespaceIndex> {
    const ns = new NamespaceIndex(namespaceId);
    ns.appliedSeq = await this.options.feed.latestSeq(namespaceId);
    let after: string | null = null;
    for (;;) {
      const page = await this.options.feed.scanNamespace(namespaceId, after, LOAD_PAGE);
      for (const d of page) ns.upsert(d);
      if (page.length < LOAD_PAGE) return ns;
      after = page[page.length - 1]!.documentId;
    }
  }
}

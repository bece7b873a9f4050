// Filling a NamespaceIndex: from the metadata database (a full scan), from a snapshot, and keeping
// it current by applying the documents' change log.
import type { DocumentFeedRepository } from '../../../engine/documents/document-feed.ts';
import { AnnIndex } from './ann-index.ts';
import { NamespaceIndex } from './namespace-index.ts';
import type { LoadedSnapshot } from './snapshot.ts';
import { VectorSpace } from './vector-space.ts';

/** Changes (and documents) read per round trip while catching up. */
const CATCH_UP_PAGE = 1000;
/** Documents read per round trip while loading a namespace. */
const LOAD_PAGE = 2000;

/** Reads the namespace's documents; changes committed during the read are applied by the catch-up that follows. */
export async function loadFromDatabase(feed: DocumentFeedRepository, namespaceId: string): Promise<NamespaceIndex> {
  const ns = new NamespaceIndex(namespaceId);
  // Read before the scan: every change up to these is reflected by what the scan reads.
  ns.verifiedSeq = await feed.latestSeqOverall();
  ns.appliedSeq = await feed.latestSeq(namespaceId);
  let after: string | null = null;
  for (;;) {
    const page = await feed.scanNamespace(namespaceId, after, LOAD_PAGE);
    for (const d of page) ns.upsert(d);
    if (page.length < LOAD_PAGE) return ns;
    after = page[page.length - 1]!.documentId;
  }
}

/**
 * A namespace as a snapshot recorded it. Graph files that fail to load are left out (the space
 * is scanned exactly until a new build); `onAnnError` hears why.
 */
export async function loadFromSnapshot(snapshot: LoadedSnapshot, efSearch: number, onAnnError: (err: unknown) => void): Promise<NamespaceIndex> {
  const ns = new NamespaceIndex(snapshot.manifest.namespaceId);
  for (const s of snapshot.spaces) {
    const space = new VectorSpace(s.dimensions);
    space.restore(s.data, s.slotCount);
    ns.spaces.set(s.name, space);
  }
  for (const e of snapshot.entries) ns.restore(e);
  for (const s of snapshot.spaces) {
    const space = ns.spaces.get(s.name)!;
    space.finishRestore();
    // Without its graph every vector is fresh (scanned exactly) until the next build.
    if (s.annFile === null) continue;
    try {
      space.installLoadedAnn(await AnnIndex.load(s.annFile, s.dimensions, efSearch, s.ann), s.annState);
    } catch (err) {
      space.dropAnn();
      onAnnError(err);
    }
  }
  ns.appliedSeq = snapshot.manifest.appliedSeq;
  ns.verifiedSeq = snapshot.manifest.verifiedSeq;
  return ns;
}

/**
 * Applies the namespace's changes after ns.appliedSeq; resolves with how many were applied.
 * `verifiedThrough`, a log position read before the changes, becomes ns.verifiedSeq once they are
 * all applied. Interrupted (the database went away), it leaves the index valid: a page is applied
 * only once read whole, and re-applying one is harmless.
 */
export async function applyChanges(feed: DocumentFeedRepository, ns: NamespaceIndex, verifiedThrough: number | null): Promise<number> {
  let applied = 0;
  for (;;) {
    const changes = await feed.changesSince(ns.namespaceId, ns.appliedSeq, CATCH_UP_PAGE);
    if (changes.length === 0) break;
    // The database holds each document's latest committed state (at least as new as this page):
    // re-reading it makes applying a page idempotent and order-free within the page.
    const ids = new Set<string>();
    const collections = new Set<string>();
    for (const c of changes) {
      if (c.documentId !== null) ids.add(c.documentId);
      else collections.add(c.collectionId);
    }
    const found = await feed.documentsForIndex(ns.namespaceId, [...ids]);
    const live = new Map<string, Set<string>>();
    for (const collectionId of collections) live.set(collectionId, new Set(await feed.documentIdsInCollection(ns.namespaceId, collectionId)));
    if (ns.retired) return applied;
    const present = new Set(found.map((d) => d.documentId));
    for (const id of ids) if (!present.has(id)) ns.remove(id);
    for (const d of found) ns.upsert(d);
    for (const [collectionId, ids] of live) {
      for (const [id, entry] of ns.entries) if (entry.collectionId === collectionId && !ids.has(id)) ns.remove(id);
    }
    ns.appliedSeq = changes[changes.length - 1]!.seq;
    applied += changes.length;
    if (changes.length < CATCH_UP_PAGE) break;
  }
  if (verifiedThrough !== null) ns.verifiedSeq = Math.max(ns.verifiedSeq, verifiedThrough);
  ns.verifiedSeq = Math.max(ns.verifiedSeq, ns.appliedSeq);
  return applied;
}

// The search index port: vectors and text of a namespace's documents, searchable (SPEC §15–16).
//
// The metadata database holds the canonical documents and vectors; an index is derived from them
// and can always be rebuilt (`tessera reindex`). Every document write appends to the documents'
// change log in the same transaction (DocumentFeedRepository), and an index applies that log:
// before each search (so a search never misses a committed write), and in the background when a
// writer says a namespace changed (`documentsChanged`), so the catch-up is usually already done.
// A crash can lose an index's in-memory or on-disk state, never the log: after a restart it
// catches up from the sequence number it last recorded, or rebuilds.
//
// One index per namespace. Its vectors are named: the name is a collection's vector index name
// (`text_extractor_v1_embedding`), which a namespace maps one to one onto a feature URI (the
// namespace locks each extractor's model), so a feature_search over a URI searches one name
// across the collections it targets. Scores: cosine similarity for vectors (higher is closer),
// BM25 for text.
import type { FilterNode } from '../query/types.ts';

/** Where a search looks: one namespace, some of its collections. */
export interface SearchTarget {
  /** The organization's internal id (every read filters by it as well as by the namespace). */
  organizationInternalId: string;
  namespaceId: string;
  /** At least one; documents of other collections are never returned. */
  collectionIds: readonly string[];
}

export interface VectorQuery extends SearchTarget {
  /** The vector name (a collection's vector index name). */
  vectorName: string;
  /** Same dimension as the indexed vectors; a different one is an InvalidSearchError. */
  vector: Float32Array;
  /** 1..10,000 */
  k: number;
  /**
   * Over the document view (documentView in src/engine/documents/document-view.ts: user fields at
   * the root plus system fields), with exactly the semantics of the documents list filters.
   * Filtered searches return k hits whenever k documents match (exact scan when selective).
   */
  filter: FilterNode | null;
  /** Force an exact scan (recall baselines, tests). */
  exact?: boolean;
}

export interface TextQuery extends SearchTarget {
  /** Free text; tokenised like the indexed fields. An empty query (no tokens) finds nothing. */
  text: string;
  /** Top-level string fields to search; null = every indexed string field. */
  fields: readonly string[] | null;
  k: number;
  filter: FilterNode | null;
}

export interface FilterQuery extends SearchTarget {
  filter: FilterNode | null;
  /** At most this many, in document id order. */
  limit: number;
}

export interface SearchHit {
  documentId: string;
  collectionId: string;
  /** Cosine similarity (vectors), BM25 (text), 0 (filter only). */
  score: number;
}

/** A search the index cannot run as asked (unknown vector name in these collections, wrong dimension): the caller reports it as a 400. */
export class InvalidSearchError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'InvalidSearchError';
  }
}

export interface IndexStats {
  namespaceId: string;
  documents: number;
  /** Vector name → { vectors, dimensions, annIndexed: how many the ANN structure covers (the rest are scanned exactly) }. */
  vectors: Record<string, { count: number; dimensions: number; annIndexed: number }>;
  /** The last change-log sequence number applied. */
  appliedSeq: number;
}

export interface SearchIndex {
  /** For logs and health: 'embedded' | 'pgvector'. */
  readonly kind: string;
  searchVectors(query: VectorQuery): Promise<SearchHit[]>;
  searchText(query: TextQuery): Promise<SearchHit[]>;
  /** Documents matching a filter without ranking (attribute_filter as a first stage). */
  filterDocuments(query: FilterQuery): Promise<SearchHit[]>;
  /**
   * A hint from a writer (a batch chunk committed, documents deleted): start catching this
   * namespace up in the background. Never throws; searches catch up anyway.
   */
  documentsChanged(namespaceId: string): void;
  /** Drops what the index holds for the namespace (or all) and rebuilds it from the metadata database. */
  rebuild(namespaceId: string | null): Promise<{ namespaces: number; documents: number }>;
  stats(namespaceId: string): Promise<IndexStats>;
  /** Waits for background work this process started (ANN builds, snapshot writes) to finish or stop. */
  close(): Promise<void>;
}

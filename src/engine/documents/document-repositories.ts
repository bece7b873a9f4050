// The documents module's repository port. Every method takes the tenant and filters by the scope's
// organization and namespace as well as the collection. The first six members are what batch
// processing relies on; the rest serve the document and lineage routes.
import type { AggregateQuery, AggregateRow, FilterNode, ListQuery } from '../query/types.ts';
import type { TenantScope } from '../scope/request-scope.ts';
import type { StoredDocument } from './types.ts';
import type { DocumentFeedRepository } from './document-feed.ts';

/** Reads that may leave the vectors out (most do: they are the bulk of a document's bytes). */
export interface ReadOptions {
  /** Default false: `vectors` comes back empty. */
  withVectors?: boolean;
}

export interface DocumentFieldsUpdate {
  documentId: string;
  fields: Record<string, unknown>;
}

export interface DocumentRepository {
  /**
   * Inserts, or replaces by document id (deterministic ids make reprocessing overwrite instead of
   * duplicate; a replaced document keeps its created_at). Returns how many were new. The same id
   * twice in one call is written once (the last one wins). A document's vectors are replaced as a
   * whole: indexes it no longer has are removed.
   */
  upsertMany(tenant: TenantScope, documents: readonly StoredDocument[]): Promise<{ inserted: number }>;
  /** With its vectors. */
  find(tenant: TenantScope, collectionId: string, documentId: string, options?: ReadOptions): Promise<StoredDocument | undefined>;
  /** The documents of a collection made from these root objects (tier N reads tier N-1's output this way); with vectors. */
  listByRootObjects(tenant: TenantScope, collectionId: string, rootObjectIds: readonly string[]): Promise<StoredDocument[]>;
  countInCollection(tenant: TenantScope, collectionId: string): Promise<number>;
  /** For the documents quota. */
  countInOrganization(tenant: TenantScope): Promise<number>;
  deleteAllInCollection(tenant: TenantScope, collectionId: string): Promise<number>;

  /** One page (limit + 1 rows, for toPage) of a collection's documents; the total (and their source blobs) only when the query asks. */
  list(tenant: TenantScope, collectionId: string, query: ListQuery, options?: ReadOptions): Promise<{ documents: StoredDocument[]; total: number | null; totalSourceBlobs: number | null }>;
  /** Documents matching a filter, in document id order after `afterDocumentId` (keyset paging for bulk work); no vectors. */
  scan(tenant: TenantScope, collectionId: string, filter: FilterNode | null, afterDocumentId: string | null, limit: number): Promise<StoredDocument[]>;
  aggregate(tenant: TenantScope, collectionId: string, query: AggregateQuery): Promise<AggregateRow[]>;
  /** How many documents of the collection the filter matches (and whether it is valid on this store). */
  count(tenant: TenantScope, collectionId: string, filter: FilterNode | null): Promise<number>;
  /** Replaces user fields (never vectors, lineage or system fields); returns the ids that existed. */
  updateFields(tenant: TenantScope, collectionId: string, updates: readonly DocumentFieldsUpdate[], updatedAt: string): Promise<string[]>;
  /** Returns the ids that existed and were deleted (with their vectors). */
  deleteMany(tenant: TenantScope, collectionId: string, documentIds: readonly string[]): Promise<string[]>;
  /** Deletes what the filter matches; returns how many. */
  deleteMatching(tenant: TenantScope, collectionId: string, filter: FilterNode | null): Promise<number>;

  /** The namespace of a document of the organization (the lineage route addressed without X-Namespace). */
  namespaceOfDocument(tenant: TenantScope, documentId: string): Promise<string | undefined>;
  /** The namespace holding documents made from this object, in the organization (the object may be gone). */
  namespaceOfRootObject(tenant: TenantScope, objectId: string): Promise<string | undefined>;
  /** A document of the namespace in whatever collection (lineage walks across collections); no vectors. */
  findInNamespace(tenant: TenantScope, documentId: string): Promise<StoredDocument | undefined>;
  /**
   * Documents of the namespace by id, in whatever collection (a search's hits); ids not found are
   * left out. No particular order: callers order by their hits.
   */
  findManyInNamespace(tenant: TenantScope, documentIds: readonly string[], options?: ReadOptions): Promise<StoredDocument[]>;
  /** Every document whose root is this object, optionally only in these collections, oldest first, up to `cap`; no vectors. */
  listByRootObject(tenant: TenantScope, rootObjectId: string, collectionIds: readonly string[] | null, cap: number): Promise<StoredDocument[]>;
  /** Document counts per collection of the documents in this namespace that hold any of these collections' ids. */
  countByCollection(tenant: TenantScope, collectionIds: readonly string[]): Promise<Map<string, number>>;
}

export interface DocumentRepositories {
  documents: DocumentRepository;
  /** The change log and bulk reads search indexes are built from (not tenant-scoped: indexes serve every tenant, each read names its namespace). */
  documentFeed: DocumentFeedRepository;
}

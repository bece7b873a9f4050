// The documents module's repository port. Every method takes the tenant and filters by the scope's
// organization and namespace as well as the collection. The documents helper adds the list,
// update and delete members; the ones below are what batch processing relies on.
import type { TenantScope } from '../scope/request-scope.ts';
import type { StoredDocument } from './types.ts';

export interface DocumentRepository {
  /**
   * Inserts, or replaces by document id (deterministic ids make reprocessing overwrite instead of
   * duplicate; a replaced document keeps its created_at). Returns how many were new.
   */
  upsertMany(tenant: TenantScope, documents: readonly StoredDocument[]): Promise<{ inserted: number }>;
  find(tenant: TenantScope, collectionId: string, documentId: string): Promise<StoredDocument | undefined>;
  /** The documents of a collection made from these root objects (tier N reads tier N-1's output this way). */
  listByRootObjects(tenant: TenantScope, collectionId: string, rootObjectIds: readonly string[]): Promise<StoredDocument[]>;
  countInCollection(tenant: TenantScope, collectionId: string): Promise<number>;
  /** For the documents quota. */
  countInOrganization(tenant: TenantScope): Promise<number>;
  deleteAllInCollection(tenant: TenantScope, collectionId: string): Promise<number>;
}

export interface DocumentRepositories {
  documents: DocumentRepository;
}

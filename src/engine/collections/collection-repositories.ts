// The collections module's repository port. Every method takes the tenant and filters by the
// scope's organization and namespace. The collections helper may add members; the ones below are
// what documents and batches rely on.
import type { ListQuery } from '../query/types.ts';
import type { TenantScope } from '../scope/request-scope.ts';
import type { Collection, CollectionChanges } from './types.ts';

export interface CollectionRepository {
  insert(collection: Collection): Promise<void>;
  /** By public id (col_…) or by name within the scope's namespace; DELETING ones are not found. */
  find(tenant: TenantScope, identifier: string): Promise<Collection | undefined>;
  /** Live collections whose source is a bucket and lists this bucket (tier 0 of a batch's DAG). */
  listSourcedFromBucket(tenant: TenantScope, bucketId: string): Promise<Collection[]>;
  /** Live collections sourced from any of these collections (tier N+1 of a batch's DAG). */
  listSourcedFromCollections(tenant: TenantScope, collectionIds: readonly string[]): Promise<Collection[]>;
  /**
   * Live collections of the scope's namespace matching the query: up to limit + 1 of them (hand
   * them to toPage) and the total (always counted: the list response carries total_count).
   */
  list(tenant: TenantScope, query: ListQuery): Promise<{ collections: Collection[]; total: number }>;
  countInOrganization(tenant: TenantScope): Promise<number>;
  /** Every live collection of the scope's namespace (list stats, the namespace's configured extractors). */
  listInNamespace(tenant: TenantScope): Promise<Collection[]>;
  /** Changes the mutable fields; false when no live collection has that id. Name clash → UniqueViolation. */
  update(tenant: TenantScope, collectionId: string, changes: CollectionChanges, updatedAt: string): Promise<boolean>;
  /** Removes the collection and its source edges; false when it was not there. */
  delete(tenant: TenantScope, collectionId: string): Promise<boolean>;
}

export interface CollectionRepositories {
  collections: CollectionRepository;
}

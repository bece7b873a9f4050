// The collections module's repository port. Every method takes the tenant and filters by the
// scope's organization and namespace. The collections helper may add members; the ones below are
// what documents and batches rely on.
import type { ListQuery } from '../query/types.ts';
import type { TenantScope } from '../scope/request-scope.ts';
import type { Collection } from './types.ts';

export interface CollectionRepository {
  insert(collection: Collection): Promise<void>;
  /** By public id (col_…) or by name within the scope's namespace; DELETING ones are not found. */
  find(tenant: TenantScope, identifier: string): Promise<Collection | undefined>;
  /** Live collections whose source is a bucket and lists this bucket (tier 0 of a batch's DAG). */
  listSourcedFromBucket(tenant: TenantScope, bucketId: string): Promise<Collection[]>;
  /** Live collections sourced from any of these collections (tier N+1 of a batch's DAG). */
  listSourcedFromCollections(tenant: TenantScope, collectionIds: readonly string[]): Promise<Collection[]>;
  list(tenant: TenantScope, query: ListQuery): Promise<{ collections: Collection[]; total: number }>;
  countInOrganization(tenant: TenantScope): Promise<number>;
}

export interface CollectionRepositories {
  collections: CollectionRepository;
}

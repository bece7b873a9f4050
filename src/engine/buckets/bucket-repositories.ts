// The buckets module's repository port. Every method takes the tenant; namespaced methods filter by
// the scope's namespace, cross-namespace lists by an explicit set of namespace ids.
import type { TenantScope } from '../scope/request-scope.ts';
import type { Bucket, BucketChanges, BucketContents } from './types.ts';

export interface BucketListFilter {
  /**
   * A cross-namespace list (the scope has no namespace): every namespace of the organization, or
   * those ids and id prefixes (a scoped key's reach). Ignored when the scope has a namespace.
   */
  allNamespaces?: boolean;
  namespaceIds?: readonly string[];
  /** With namespaceIds: also namespaces whose id starts with one of these (a scoped key's "ns_a_*"). */
  namespaceIdPrefixes?: readonly string[];
  bucketIds?: readonly string[];
  bucketNames?: readonly string[];
  search?: string;
  caseSensitive: boolean;
  sortField: 'bucket_name' | 'created_at' | 'updated_at' | 'bucket_id';
  sortDirection: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface BucketRepository {
  insert(bucket: Bucket): Promise<void>;
  /** A live bucket of the scope's namespace by id or name. */
  find(tenant: TenantScope, identifier: string): Promise<Bucket | undefined>;
  /** A live bucket of the organization by id, whatever its namespace (to enter that namespace). */
  findAnyNamespace(tenant: TenantScope, bucketId: string): Promise<Bucket | undefined>;
  /** Any bucket by id in the scope's namespace, including one being deleted (the purge reads it). */
  findById(tenant: TenantScope, bucketId: string): Promise<Bucket | undefined>;
  list(tenant: TenantScope, filter: BucketListFilter): Promise<{ buckets: Bucket[]; total: number }>;
  /** Live buckets of the whole organization (the tier quota counts per organization). */
  countLiveInOrganization(tenant: TenantScope): Promise<number>;
  update(tenant: TenantScope, bucketId: string, changes: BucketChanges, updatedAt: string): Promise<boolean>;
  markDeleting(tenant: TenantScope, bucketId: string, updatedAt: string): Promise<boolean>;
  remove(tenant: TenantScope, bucketId: string): Promise<void>;
  /** Every bucket of the scope's namespace, live or not (the namespace cascade). */
  idsInNamespace(tenant: TenantScope): Promise<string[]>;
  contents(tenant: TenantScope, bucketIds: readonly string[]): Promise<Map<string, BucketContents>>;
}

export interface BucketRepositories {
  buckets: BucketRepository;
}

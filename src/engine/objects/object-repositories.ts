// The objects module's repository port. Every method takes the tenant and filters by the scope's
// organization and namespace as well as the bucket.
import type { ListQuery } from '../query/types.ts';
import type { TenantScope } from '../scope/request-scope.ts';
import type { BucketObject, ObjectChanges } from './types.ts';

export interface ObjectListResult {
  objects: BucketObject[];
  /** Every match, not just the page. */
  total: number;
  totalBlobs: number;
  objectsByStatus: Record<string, number>;
}

export interface ObjectRepository {
  /** Many objects in one statement set (the batch path); their blobs' hashes too. */
  insertMany(objects: readonly BucketObject[]): Promise<void>;
  find(tenant: TenantScope, bucketId: string, objectId: string): Promise<BucketObject | undefined>;
  /** The bucket's objects with these ids (missing ones are left out; order not kept). */
  findMany(tenant: TenantScope, bucketId: string, objectIds: readonly string[]): Promise<BucketObject[]>;
  /** Which of these ids are objects of the bucket (batch creation checks them). */
  existingIds(tenant: TenantScope, bucketId: string, objectIds: readonly string[]): Promise<Set<string>>;
  findByUniqueKey(tenant: TenantScope, bucketId: string, uniqueKeyValue: string): Promise<BucketObject | undefined>;
  /** Replaces the object's fields/blobs/key_prefix; its blobs' hash rows follow. */
  update(tenant: TenantScope, bucketId: string, objectId: string, changes: ObjectChanges, updatedAt: string): Promise<boolean>;
  delete(tenant: TenantScope, bucketId: string, objectId: string): Promise<boolean>;
  /** Which of these hashes a stored blob of the bucket already has. */
  existingHashes(tenant: TenantScope, bucketId: string, hashes: readonly string[]): Promise<Set<string>>;
  /**
   * One page of the bucket's objects matching the query (filters, search and sort compiled to SQL;
   * user fields by their flat name), with totals over every match. Default order: newest first.
   */
  list(tenant: TenantScope, bucketId: string, query: ListQuery): Promise<ObjectListResult>;
  /** The bucket's objects, oldest first, at most `cap` (lists and aggregations filter them in the engine). */
  scan(tenant: TenantScope, bucketId: string, cap: number): Promise<BucketObject[]>;
  countInOrganization(tenant: TenantScope): Promise<number>;
  /** An object of the organization by id, in whatever namespace (routes addressed by object id without X-Namespace; lineage). */
  findAnywhere(tenant: TenantScope, objectId: string): Promise<BucketObject | undefined>;
  /** Removes every object row of the bucket (the purge); returns how many. */
  deleteAllInBucket(tenant: TenantScope, bucketId: string): Promise<number>;
}

export interface ObjectRepositories {
  objects: ObjectRepository;
}

// Buckets (SPEC §7): create, read, change, list and delete the containers of objects in a namespace.
// Every route works in the scope's namespace; a bucket addressed by id without X-Namespace is found
// in the organization and its namespace entered (scope/resource-scope.ts); lists without the header
// span every namespace the key reaches.
import { newId } from '../../lib/ids.ts';
import { assertWithinQuota } from '../accounts/quotas.ts';
import type { NamespaceOperation } from '../accounts/types.ts';
import { AlreadyExistsError, BadRequestError, NotFoundError } from '../errors.ts';
import { namespaceReach } from '../namespaces/namespace-reach.ts';
import type { Clock } from '../ports/clock.ts';
import { UniqueViolation, type MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import type { NamespaceResolution } from '../scope/namespace-resolution.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import { missingNamespace, scopeForResource, type ResourceLocator } from '../scope/resource-scope.ts';
import { normaliseBucketSchema } from './bucket-schema.ts';
import type { BucketListFilter } from './bucket-repositories.ts';
import { normaliseUniqueKey } from './unique-key.ts';
import { EMPTY_CONTENTS, type Bucket, type BucketChanges, type BucketWithContents } from './types.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const ID_SHAPED = /^bkt_[a-z0-9]{20}$/;

export interface NewBucket {
  bucketName: string;
  description: string | null;
  bucketSchema: unknown;
  uniqueKey: unknown;
  metadata: Record<string, unknown>;
}

export interface BucketEdit {
  bucketName?: string | null | undefined;
  description?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

export type BucketListQuery = Omit<BucketListFilter, 'allNamespaces' | 'namespaceIds' | 'namespaceIdPrefixes'>;

/** Schedules the asynchronous cascade of a bucket marked DELETING, in the same transaction; returns the task id. */
export interface BucketDeletionScheduler {
  schedule(repos: Repositories, scope: RequestScope, bucket: Bucket): Promise<string>;
}

export interface BucketDeletion {
  bucket: Bucket;
  objectCount: number;
  taskId: string;
}

export function assertBucketName(name: string): void {
  if (!NAME.test(name)) throw new BadRequestError('bucket_name must be 1-255 letters, digits, "_", "-" or ".", starting with a letter or digit', { field: 'bucket_name', value: name.slice(0, 300) });
  // A name shaped like a bucket id would make the path parameter ambiguous.
  if (ID_SHAPED.test(name)) throw new BadRequestError('bucket_name may not have the shape of a bucket id (bkt_ + 20 letters or digits)', { field: 'bucket_name', value: name });
}

export class BucketService {
  readonly locator: ResourceLocator;

  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly namespaces: NamespaceResolution,
    private readonly deletions: BucketDeletionScheduler,
  ) {
    this.locator = {
      resource: 'bucket',
      idPattern: ID_SHAPED,
      namespaceOf: async (scope, id) => (await this.store.buckets.findAnyNamespace(scope, id))?.namespaceId,
    };
  }

  /** The scope a bucket route works in (see scope/resource-scope.ts). */
  scopeFor<S extends RequestScope>(scope: S, identifier: string, operation: NamespaceOperation): Promise<S> {
    return scopeForResource(scope, this.namespaces, this.locator, identifier, operation);
  }

  async create(scope: RequestScope, input: NewBucket): Promise<BucketWithContents> {
    const namespace = scope.namespace;
    if (namespace === null) throw missingNamespace('a new bucket');
    assertBucketName(input.bucketName);
    const bucketSchema = normaliseBucketSchema(input.bucketSchema);
    const uniqueKey = normaliseUniqueKey(input.uniqueKey, bucketSchema);
    const now = this.clock.now().toISOString();
    const bucket: Bucket = {
      bucketId: newId('bucket'),
      organizationInternalId: scope.organization.internalId,
      namespaceId: namespace.namespaceId,
      bucketName: input.bucketName,
      description: input.description,
      bucketSchema,
      uniqueKey,
      metadata: input.metadata,
      status: 'ACTIVE',
      isLocked: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.transaction(async (repos) => {
      // The organization's row lock: two creations cannot both take the last slot of the quota.
      await repos.organizations.lock(scope.organization.internalId);
      const org = (await repos.organizations.findByInternalId(scope.organization.internalId)) ?? scope.organization;
      if (scope.actor.kind === 'api_key') assertWithinQuota(org, 'buckets', await repos.buckets.countLiveInOrganization(scope));
      await uniqueName(() => repos.buckets.insert(bucket), bucket.bucketName);
    });
    return { ...bucket, contents: { ...EMPTY_CONTENTS } };
  }

  async get(scope: RequestScope, identifier: string): Promise<BucketWithContents> {
    const bucket = await this.require(this.store, scope, identifier);
    return this.withContents(scope, bucket);
  }

  /** PUT and PATCH: name, description, metadata; only what is given changes. The schema and unique key cannot. */
  async update(scope: RequestScope, identifier: string, edit: BucketEdit): Promise<BucketWithContents> {
    const changes: BucketChanges = {};
    if (edit.bucketName != null) {
      assertBucketName(edit.bucketName);
      changes.bucketName = edit.bucketName;
    }
    if (edit.description !== undefined) changes.description = edit.description;
    if (edit.metadata != null) changes.metadata = edit.metadata;
    const updated = await this.store.transaction(async (repos) => {
      const bucket = await this.require(repos, scope, identifier);
      if (Object.keys(changes).length > 0) {
        const done = await uniqueName(() => repos.buckets.update(scope, bucket.bucketId, changes, this.clock.now().toISOString()), changes.bucketName ?? bucket.bucketName);
        if (!done) throw new NotFoundError('bucket', identifier);
      }
      return (await repos.buckets.findById(scope, bucket.bucketId))!;
    });
    return this.withContents(scope, updated);
  }

  /** In the scope's namespace, or (no X-Namespace) across every namespace the key reaches. */
  async list(scope: RequestScope, query: BucketListQuery): Promise<{ buckets: BucketWithContents[]; total: number }> {
    let filter: BucketListFilter = query;
    if (scope.namespace === null) {
      const reach = namespaceReach(scope, 'read_data');
      filter = { ...query, ...(reach.all ? { allNamespaces: true } : { namespaceIds: reach.ids, namespaceIdPrefixes: reach.prefixes }) };
    }
    const { buckets, total } = await this.store.buckets.list(scope, filter);
    const contents = await this.store.buckets.contents(scope, buckets.map((b) => b.bucketId));
    return { buckets: buckets.map((b) => ({ ...b, contents: contents.get(b.bucketId) ?? { ...EMPTY_CONTENTS } })), total };
  }

  /** Marks the bucket DELETING (gone from every route, its name free) and queues the cascade (purgeBucket). */
  async delete(scope: RequestScope, identifier: string): Promise<BucketDeletion> {
    return this.store.transaction(async (repos) => {
      const bucket = await this.require(repos, scope, identifier);
      const contents = (await repos.buckets.contents(scope, [bucket.bucketId])).get(bucket.bucketId) ?? EMPTY_CONTENTS;
      await repos.buckets.markDeleting(scope, bucket.bucketId, this.clock.now().toISOString());
      const taskId = await this.deletions.schedule(repos, scope, bucket);
      return { bucket, objectCount: contents.objectCount, taskId };
    });
  }

  /** A live bucket of the scope's namespace by id or name, or 404. */
  async require(repos: Pick<Repositories, 'buckets'>, scope: RequestScope, identifier: string): Promise<Bucket> {
    if (scope.namespace === null) throw missingNamespace('a bucket');
    const bucket = await repos.buckets.find(scope, identifier);
    if (!bucket) throw new NotFoundError('bucket', identifier);
    return bucket;
  }

  private async withContents(scope: RequestScope, bucket: Bucket): Promise<BucketWithContents> {
    const contents = await this.store.buckets.contents(scope, [bucket.bucketId]);
    return { ...bucket, contents: contents.get(bucket.bucketId) ?? { ...EMPTY_CONTENTS } };
  }
}

async function uniqueName<T>(write: () => Promise<T>, name: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueViolation) throw new AlreadyExistsError('bucket', 'bucket_name', name);
    throw err;
  }
}

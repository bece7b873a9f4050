// Objects (SPEC §8): create (one or a batch), read, replace, patch, delete, list and aggregate the
// objects of a bucket. User fields live flat on the object; blobs come in through BlobIntake (bytes
// sniffed, size-checked, hashed and stored under ids) before any row is written, so a refused blob
// leaves nothing behind.
import { newId } from '../../lib/ids.ts';
import { assertWithinQuota } from '../accounts/quotas.ts';
import { TIERS } from '../accounts/tiers.ts';
import { AlreadyExistsError, BadRequestError, NotFoundError, ServiceUnavailableError, TesseraError } from '../errors.ts';
import type { BucketService } from '../buckets/bucket-service.ts';
import type { Bucket } from '../buckets/types.ts';
import { isPlainObject } from '../buckets/field-values.ts';
import { resolveUniqueKeyPolicy, type UniqueKeyPolicy } from '../buckets/unique-key.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Clock } from '../ports/clock.ts';
import { UniqueViolation, type MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import { parseBlobRequest, MAX_KEY_PREFIX_LENGTH, type BlobRequest } from './blob-input.ts';
import type { BlobIntake, ResolvedUpload } from './blob-intake.ts';
import type { BlobRecord } from './blob-record.ts';
import { assertRequiredBlobs, collectUserFields, uniqueKeyValue, validateObjectFields } from './object-fields.ts';
import { aggregate, type AggregationOutput, type AggregationRequest } from './object-aggregate.ts';
import { objectView } from './object-query.ts';
import { parseListQuery } from '../query/parse.ts';
import type { FilterNode, ListQuery } from '../query/types.ts';
import type { BucketObject, ObjectChanges } from './types.ts';
import type { ObjectListResult } from './object-repositories.ts';
import { NO_EVENTS, type EventPublisher, type PlatformEvent } from '../events/platform-event.ts';

/** Most objects one batch request may create (SPEC §8). */
export const MAX_BATCH_OBJECTS = 100;
/** Lists and aggregations read at most this many objects of a bucket. */
export const MAX_SCANNED_OBJECTS = 100_000;
/** Presigned GET URLs on reads last an hour (SPEC §8). */
export const PRESIGNED_GET_SECONDS = 3600;

/** Resolves upload_id blobs to confirmed uploads of the bucket (the uploads module provides it). */
export interface UploadResolver {
  resolve(scope: RequestScope, bucket: Bucket, uploadId: string): Promise<ResolvedUpload | undefined>;
}

/** auto_process=true: submits a batch of the new objects in the creating transaction (the batches module provides it). */
export interface AutoProcessor {
  /** Returns the batch id, or null when no collection processes the bucket. */
  scheduleIn(repos: Repositories, scope: RequestScope, bucket: Bucket, objectIds: readonly string[]): Promise<string | null>;
}

export interface ObjectWithBlobUrls extends BucketObject {
  /** blob_id → presigned GET URL, when asked for. */
  presignedUrls?: Map<string, string>;
}

export interface BatchFailure {
  index: number;
  error: TesseraError | Error;
}

export interface BatchResult {
  succeeded: BucketObject[];
  failed: BatchFailure[];
}

export type ObjectListPage = ObjectListResult;

export interface ObjectListInput {
  filters: unknown;
  sort: unknown;
  search: string | null;
  caseSensitive: boolean;
  limit: number;
  offset: number;
}

interface Prepared {
  fields: Record<string, unknown>;
  keyPrefix: string | null;
  uniqueKeyValue: string | null;
  blobs: BlobRequest[];
  skipDuplicates: boolean;
  canonicalizeSource: boolean;
}

export class ObjectService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly buckets: BucketService,
    private readonly intake: BlobIntake | null,
    private readonly blobStore: BlobStore | null,
    private readonly uploads: UploadResolver | null,
    /** object.created, objects.created.batch, object.updated, object.deleted: published in the write's transaction. */
    private readonly events: EventPublisher = NO_EVENTS,
    /** Bound late: batches are built over objects. */
    private readonly autoProcessor: (() => AutoProcessor) | null = null,
  ) {}

  /** The bucket a route addresses and the scope inside its namespace. */
  async bucketFor(scope: RequestScope, bucketIdentifier: string, operation: 'read_data' | 'write_data' | 'delete_data'): Promise<{ scope: RequestScope; bucket: Bucket }> {
    const inner = await this.buckets.scopeFor(scope, bucketIdentifier, operation);
    return { scope: inner, bucket: await this.buckets.require(this.store, inner, bucketIdentifier) };
  }

  async create(outer: RequestScope, bucketIdentifier: string, body: Record<string, unknown>, requestedPolicy: string | null, autoProcess = false): Promise<BucketObject> {
    const { scope, bucket } = await this.bucketFor(outer, bucketIdentifier, 'write_data');
    const policy = resolveUniqueKeyPolicy(requestedPolicy, bucket.uniqueKey);
    const prepared = this.prepare(scope, bucket, body, 'blobs');
    if (prepared.uniqueKeyValue !== null) {
      // Refused before any byte is stored.
      const existing = await this.store.objects.findByUniqueKey(scope, bucket.bucketId, prepared.uniqueKeyValue);
      checkPolicy(policy!, existing, prepared.uniqueKeyValue);
    }
    const objectId = newId('object');
    const blobs = await this.ingestAll(scope, bucket, objectId, prepared, new Set());
    try {
      const { object, replaced } = await this.store.transaction(async (repos) => {
        await repos.organizations.lock(scope.organization.internalId);
        const written = await this.write(repos, scope, bucket, objectId, prepared, blobs, policy);
        await this.events.publishIn(repos, scope, objectEvent(written.replaced ? 'object.updated' : 'object.created', bucket, written.object));
        if (autoProcess) await this.autoProcess(repos, scope, bucket, [written.object.objectId]);
        return written;
      });
      if (replaced) await this.deleteBlobBytes(replaced, object.blobs);
      return object;
    } catch (err) {
      await this.deleteBlobBytes({ objectId, blobs }, []);
      throw err;
    }
  }

  /** Up to 100 objects; each fails or succeeds on its own. One transaction writes all that passed. */
  async createBatch(outer: RequestScope, bucketIdentifier: string, bodies: readonly unknown[], autoProcess = false): Promise<BatchResult> {
    if (bodies.length === 0 || bodies.length > MAX_BATCH_OBJECTS) throw new BadRequestError(`objects must hold 1-${MAX_BATCH_OBJECTS} objects`, { field: 'objects' });
    const { scope, bucket } = await this.bucketFor(outer, bucketIdentifier, 'write_data');
    const policy = resolveUniqueKeyPolicy(null, bucket.uniqueKey);
    const failed: BatchFailure[] = [];
    const ready: { index: number; objectId: string; prepared: Prepared; blobs: BlobRecord[] }[] = [];
    const seenHashes = new Set<string>();
    for (const [index, body] of bodies.entries()) {
      try {
        if (!isPlainObject(body)) throw new BadRequestError('each object must be a JSON object', { field: `objects[${index}]` });
        const prepared = this.prepare(scope, bucket, body, `objects[${index}].blobs`);
        const objectId = newId('object');
        const blobs = prepared.blobs.length === 0 ? [] : await this.ingestAll(scope, bucket, objectId, prepared, seenHashes);
        ready.push({ index, objectId, prepared, blobs });
      } catch (err) {
        failed.push({ index, error: err as Error });
      }
    }
    const succeeded: BucketObject[] = [];
    const replacedBlobs: { objectId: string; blobs: BlobRecord[]; keep: BlobRecord[] }[] = [];
    if (ready.length > 0) {
      try {
        await this.store.transaction(async (repos) => {
          await repos.organizations.lock(scope.organization.internalId);
          const now = this.clock.now().toISOString();
          const inserts: BucketObject[] = [];
          const keysInBatch = new Map<string, BucketObject>();
          const keyed = ready.filter((r) => r.prepared.uniqueKeyValue !== null);
          const existingByKey = new Map<string, BucketObject>();
          for (const r of keyed) {
            const found = await repos.objects.findByUniqueKey(scope, bucket.bucketId, r.prepared.uniqueKeyValue!);
            if (found) existingByKey.set(r.prepared.uniqueKeyValue!, found);
          }
          for (const r of ready) {
            const key = r.prepared.uniqueKeyValue;
            try {
              const existing = key === null ? undefined : (keysInBatch.get(key) ?? existingByKey.get(key));
              if (key !== null) checkPolicy(policy!, existing, key);
              if (existing && key !== null) {
                if (inserts.includes(existing)) throw new AlreadyExistsError('object', 'unique_key', key);
                const changes = replacement(r.prepared, r.blobs);
                await repos.objects.update(scope, bucket.bucketId, existing.objectId, changes, now);
                const updated = { ...existing, ...changes, keyPrefix: changes.keyPrefix ?? null, updatedAt: now } as BucketObject;
                replacedBlobs.push({ objectId: existing.objectId, blobs: existing.blobs, keep: r.blobs });
                keysInBatch.set(key, updated);
                succeeded.push(updated);
                continue;
              }
              const object = this.newObject(scope, bucket, r.objectId, r.prepared, r.blobs, now);
              inserts.push(object);
              if (key !== null) keysInBatch.set(key, object);
              succeeded.push(object);
            } catch (err) {
              failed.push({ index: r.index, error: err as Error });
              await this.deleteBlobBytes({ objectId: r.objectId, blobs: r.blobs }, []);
            }
          }
          if (scope.actor.kind === 'api_key' && inserts.length > 0) {
            const org = (await repos.organizations.findByInternalId(scope.organization.internalId)) ?? scope.organization;
            assertWithinQuota(org, 'objects', await repos.objects.countInOrganization(scope), inserts.length);
          }
          await repos.objects.insertMany(inserts);
          if (succeeded.length > 0) {
            await this.events.publishIn(repos, scope, {
              event_type: 'objects.created.batch',
              namespace_id: bucket.namespaceId,
              subject: { type: 'bucket', id: bucket.bucketId },
              metadata: {
                bucket_id: bucket.bucketId,
                object_ids: succeeded.map((o) => o.objectId),
                object_count: succeeded.length,
                created_count: inserts.length,
                updated_count: succeeded.length - inserts.length,
              },
            });
          }
          if (autoProcess && succeeded.length > 0) await this.autoProcess(repos, scope, bucket, succeeded.map((o) => o.objectId));
        });
      } catch (err) {
        for (const r of ready) await this.deleteBlobBytes({ objectId: r.objectId, blobs: r.blobs }, []);
        throw err;
      }
      for (const r of replacedBlobs) await this.deleteBlobBytes(r, r.keep);
    }
    failed.sort((a, b) => a.index - b.index);
    return { succeeded, failed };
  }

  /** In the creating transaction: the objects are processed only if that commits. */
  private async autoProcess(repos: Repositories, scope: RequestScope, bucket: Bucket, objectIds: string[]): Promise<void> {
    const processor = this.autoProcessor?.();
    if (!processor) throw new ServiceUnavailableError('auto_process needs batch processing, which this process did not open', 5);
    await processor.scheduleIn(repos, scope, bucket, objectIds);
  }

  async get(outer: RequestScope, bucketIdentifier: string, objectId: string, presign: boolean): Promise<ObjectWithBlobUrls> {
    const { scope, bucket } = await this.bucketFor(outer, bucketIdentifier, 'read_data');
    const object = await this.requireObject(this.store, scope, bucket, objectId);
    if (!presign) return object;
    const blobStore = this.requireBlobStore();
    const presignedUrls = new Map<string, string>();
    for (const blob of object.blobs) {
      if (blob.storageKey === null) continue;
      presignedUrls.set(blob.blobId, await blobStore.presignGet(blob.storageKey, { expiresInSeconds: PRESIGNED_GET_SECONDS, ...(blob.filename ? { filename: blob.filename } : {}) }));
    }
    return { ...object, presignedUrls };
  }

  /**
   * PUT: key_prefix, blobs (replacing the object's blobs when given) and metadata (merged into the
   * user fields). PATCH: key_prefix and flat user fields, merged. Ids and created_at never change.
   */
  async update(outer: RequestScope, bucketIdentifier: string, objectId: string, edit: { keyPrefix?: string | null; fields: Record<string, unknown>; blobs?: unknown[] | null; skipDuplicates?: boolean | null }): Promise<BucketObject> {
    const { scope, bucket } = await this.bucketFor(outer, bucketIdentifier, 'write_data');
    const current = await this.requireObject(this.store, scope, bucket, objectId);
    const given = validateObjectFields(bucket.bucketSchema, edit.fields, 'update');
    const fields = { ...current.fields, ...given };
    const changes: ObjectChanges = { fields };
    if (edit.keyPrefix !== undefined) changes.keyPrefix = checkKeyPrefix(edit.keyPrefix);
    if (bucket.uniqueKey !== null) changes.uniqueKeyValue = uniqueKeyValue(bucket.uniqueKey, fields);
    let newBlobs: BlobRecord[] | null = null;
    if (edit.blobs != null) {
      const limits = TIERS[scope.organization.accountType].blobs;
      const requests = edit.blobs.map((raw, i) => parseBlobRequest(raw, bucket.bucketSchema, limits.inlineMaxBytes, `blobs[${i}]`));
      assertRequiredBlobs(bucket.bucketSchema, requests.map((b) => b.property));
      newBlobs = await this.ingestAll(scope, bucket, objectId, { fields, keyPrefix: null, uniqueKeyValue: null, blobs: requests, skipDuplicates: edit.skipDuplicates === true, canonicalizeSource: true }, new Set());
      changes.blobs = newBlobs;
      changes.totalSizeBytes = sizeOf(newBlobs);
    }
    const now = this.clock.now().toISOString();
    try {
      const done = await uniqueKeyConflict(
        () =>
          this.store.transaction(async (repos) => {
            const updated = await repos.objects.update(scope, bucket.bucketId, objectId, changes, now);
            if (updated) await this.events.publishIn(repos, scope, objectEvent('object.updated', bucket, { ...current, ...changes, updatedAt: now } as BucketObject));
            return updated;
          }),
        changes.uniqueKeyValue ?? null,
      );
      if (!done) throw new NotFoundError('object', objectId);
    } catch (err) {
      if (newBlobs) await this.deleteBlobBytes({ objectId, blobs: newBlobs }, current.blobs);
      throw err;
    }
    if (newBlobs) await this.deleteBlobBytes(current, newBlobs);
    return (await this.store.objects.find(scope, bucket.bucketId, objectId))!;
  }

  /** Deletes the row, then its blobs' bytes. */
  async delete(outer: RequestScope, bucketIdentifier: string, objectId: string): Promise<void> {
    const { scope, bucket } = await this.bucketFor(outer, bucketIdentifier, 'delete_data');
    const object = await this.requireObject(this.store, scope, bucket, objectId);
    const deleted = await this.store.transaction(async (repos) => {
      const done = await repos.objects.delete(scope, bucket.bucketId, objectId);
      if (done) await this.events.publishIn(repos, scope, objectEvent('object.deleted', bucket, object));
      return done;
    });
    if (!deleted) throw new NotFoundError('object', objectId);
    await this.deleteBlobBytes(object, []);
  }

  /**
   * Filters (LogicalOperator), sort and search run in SQL (engine/query parses them); user fields
   * are addressed flat or as "metadata.<field>" (the docs' spelling). Default order: newest first.
   */
  async list(outer: RequestScope, bucketIdentifier: string, input: ObjectListInput): Promise<ObjectListPage> {
    const { scope, bucket } = await this.bucketFor(outer, bucketIdentifier, 'read_data');
    const parsed = parseListQuery(
      { filters: input.filters ?? undefined, sort: input.sort ?? undefined, search: input.search ?? undefined, case_sensitive: input.caseSensitive, limit: input.limit, offset: input.offset },
      { limit: 10, maxLimit: 1000 },
    );
    const query: ListQuery = { ...parsed, filter: parsed.filter && unprefixFilter(parsed.filter), sort: parsed.sort.map((s) => ({ ...s, field: unprefix(s.field) })) };
    return this.store.objects.list(scope, bucket.bucketId, query);
  }

  async aggregate(outer: RequestScope, bucketIdentifier: string, request: AggregationRequest): Promise<AggregationOutput & { scanned: number }> {
    const { scope, bucket } = await this.bucketFor(outer, bucketIdentifier, 'read_data');
    const all = await this.store.objects.scan(scope, bucket.bucketId, MAX_SCANNED_OBJECTS);
    return { ...aggregate(all.map(objectView), request), scanned: all.length };
  }

  private async requireObject(repos: Pick<Repositories, 'objects'>, scope: RequestScope, bucket: Bucket, objectId: string): Promise<BucketObject> {
    const object = await repos.objects.find(scope, bucket.bucketId, objectId);
    if (!object) throw new NotFoundError('object', objectId);
    return object;
  }

  /** Everything about one create body that can be checked before a byte is fetched or stored. */
  private prepare(scope: RequestScope, bucket: Bucket, body: Record<string, unknown>, blobPath: string): Prepared {
    const fields = validateObjectFields(bucket.bucketSchema, collectUserFields(body), 'create');
    const limits = TIERS[scope.organization.accountType].blobs;
    const rawBlobs = body.blobs ?? [];
    if (!Array.isArray(rawBlobs)) throw new BadRequestError('blobs must be an array', { field: 'blobs' });
    const blobs = rawBlobs.map((raw, i) => parseBlobRequest(raw, bucket.bucketSchema, limits.inlineMaxBytes, `${blobPath}[${i}]`));
    assertRequiredBlobs(bucket.bucketSchema, blobs.map((b) => b.property));
    return {
      fields,
      keyPrefix: checkKeyPrefix(body.key_prefix),
      uniqueKeyValue: bucket.uniqueKey === null ? null : uniqueKeyValue(bucket.uniqueKey, fields),
      blobs,
      skipDuplicates: body.skip_duplicates === true,
      canonicalizeSource: body.canonicalize_source !== false,
    };
  }

  /** Stores every blob of one object; on any failure removes what this call stored and rethrows. */
  private async ingestAll(scope: RequestScope, bucket: Bucket, objectId: string, prepared: Prepared, seenHashes: Set<string>): Promise<BlobRecord[]> {
    if (prepared.blobs.length === 0) return [];
    const intake = this.intake;
    if (intake === null) throw new ServiceUnavailableError('Blobs need a blob store, which is not configured', 5);
    const stored: BlobRecord[] = [];
    try {
      for (const [i, blob] of prepared.blobs.entries()) {
        if (blob.source.kind === 'upload' && this.uploads === null) {
          throw new BadRequestError(`blobs[${i}].upload_id: unknown upload ${blob.source.uploadId}`, { field: `blobs[${i}].upload_id`, upload_id: blob.source.uploadId }, 'unknown_upload');
        }
        const result = await intake.ingest(
          { orgInternalId: scope.organization.internalId, namespaceId: bucket.namespaceId, bucketId: bucket.bucketId, objectId, tier: scope.organization.accountType },
          blob,
          {
            skipDuplicates: prepared.skipDuplicates,
            canonicalizeSource: prepared.canonicalizeSource,
            existsByHash: async (hash) => seenHashes.has(hash) || (await this.store.objects.existingHashes(scope, bucket.bucketId, [hash])).has(hash),
            ...(this.uploads ? { resolveUpload: (id: string) => this.uploads!.resolve(scope, bucket, id) } : {}),
            path: `blobs[${i}]`,
          },
        );
        if (result.status === 'stored') {
          stored.push(result.blob);
          if (prepared.skipDuplicates) seenHashes.add(result.blob.hash);
        }
      }
      return stored;
    } catch (err) {
      await this.deleteBlobBytes({ objectId, blobs: stored }, []);
      throw err;
    }
  }

  /** Inserts a new object or (update/upsert on an existing key) replaces the existing one's content. */
  private async write(repos: Repositories, scope: RequestScope, bucket: Bucket, objectId: string, prepared: Prepared, blobs: BlobRecord[], policy: UniqueKeyPolicy | null): Promise<{ object: BucketObject; replaced: BucketObject | null }> {
    const now = this.clock.now().toISOString();
    const key = prepared.uniqueKeyValue;
    const existing = key === null ? undefined : await repos.objects.findByUniqueKey(scope, bucket.bucketId, key);
    if (key !== null) checkPolicy(policy!, existing, key);
    if (existing) {
      const changes = replacement(prepared, blobs);
      await repos.objects.update(scope, bucket.bucketId, existing.objectId, changes, now);
      return { object: (await repos.objects.find(scope, bucket.bucketId, existing.objectId))!, replaced: existing };
    }
    if (scope.actor.kind === 'api_key') {
      const org = (await repos.organizations.findByInternalId(scope.organization.internalId)) ?? scope.organization;
      assertWithinQuota(org, 'objects', await repos.objects.countInOrganization(scope));
    }
    const object = this.newObject(scope, bucket, objectId, prepared, blobs, now);
    await uniqueKeyConflict(() => repos.objects.insertMany([object]), key);
    return { object, replaced: null };
  }

  private newObject(scope: RequestScope, bucket: Bucket, objectId: string, prepared: Prepared, blobs: BlobRecord[], now: string): BucketObject {
    return {
      objectId,
      organizationInternalId: scope.organization.internalId,
      namespaceId: bucket.namespaceId,
      bucketId: bucket.bucketId,
      keyPrefix: prepared.keyPrefix,
      fields: prepared.fields,
      blobs,
      status: 'DRAFT',
      error: null,
      uniqueKeyValue: prepared.uniqueKeyValue,
      sourceDetails: blobs.filter((b) => b.sourceUrl !== null || b.uploadId !== null).map((b) => (b.uploadId !== null ? { type: 'upload', source_id: b.uploadId } : { type: 'url', source_id: b.sourceUrl! })),
      totalSizeBytes: sizeOf(blobs),
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Removes the bytes of an object's blobs that it stored itself (not an upload's), except those in `keep`. */
  private async deleteBlobBytes(object: Pick<BucketObject, 'objectId' | 'blobs'>, keep: readonly BlobRecord[]): Promise<void> {
    if (this.blobStore === null) return;
    const kept = new Set(keep.map((b) => b.storageKey));
    for (const blob of object.blobs) {
      const key = blob.storageKey;
      if (key === null || kept.has(key) || !key.includes(`/${object.objectId}/`)) continue;
      await this.blobStore.delete(key);
    }
  }

  private requireBlobStore(): BlobStore {
    if (this.blobStore === null) throw new ServiceUnavailableError('Presigned URLs need a blob store, which is not configured', 5);
    return this.blobStore;
  }
}

function checkPolicy(policy: UniqueKeyPolicy, existing: BucketObject | undefined, key: string): void {
  if (policy === 'insert' && existing) throw new AlreadyExistsError('object', 'unique_key', key);
  if (policy === 'update' && !existing) throw new NotFoundError('object', key);
}

function replacement(prepared: Prepared, blobs: BlobRecord[]): ObjectChanges {
  return { fields: prepared.fields, blobs, keyPrefix: prepared.keyPrefix, totalSizeBytes: sizeOf(blobs), uniqueKeyValue: prepared.uniqueKeyValue };
}

function sizeOf(blobs: readonly BlobRecord[]): number {
  return blobs.reduce((n, b) => n + b.sizeBytes, 0);
}

function checkKeyPrefix(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  // eslint-disable-next-line no-control-regex
  if (typeof raw !== 'string' || raw.length > MAX_KEY_PREFIX_LENGTH || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw new BadRequestError(`key_prefix must be a string of at most ${MAX_KEY_PREFIX_LENGTH} characters without control characters`, { field: 'key_prefix' });
  }
  return raw;
}

async function uniqueKeyConflict<T>(write: () => Promise<T>, key: string | null): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueViolation) throw new AlreadyExistsError('object', 'unique_key', key ?? '');
    throw err;
  }
}


/** "metadata.x" is the docs' path to the flat user field "x". */
function unprefix(field: string): string {
  return field.startsWith('metadata.') ? field.slice('metadata.'.length) : field;
}

function unprefixFilter(node: FilterNode): FilterNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { ...node, children: node.children.map(unprefixFilter) };
    case 'not':
      return { ...node, child: unprefixFilter(node.child) };
    default:
      return { ...node, field: unprefix(node.field) };
  }
}

/** The event of one object's change; metadata names the bucket and the object's key (no field values). */
function objectEvent(eventType: 'object.created' | 'object.updated' | 'object.deleted', bucket: Bucket, object: BucketObject): PlatformEvent {
  return {
    event_type: eventType,
    namespace_id: bucket.namespaceId,
    subject: { type: 'object', id: object.objectId },
    metadata: { bucket_id: bucket.bucketId, object_id: object.objectId, key_prefix: object.keyPrefix ?? null, blob_count: object.blobs.length },
  };
}

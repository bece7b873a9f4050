// Batches (SPEC §10): create (DRAFT) from objects of a bucket, add objects, read, change metadata,
// list, delete; submit (resolves the collection DAG into tiers, writes the batch's task and the
// coordinator's first job in the same transaction); cancel; retry failed items; failed items.
// Processing itself is the coordinator's and the chunk runner's (batch-coordinator.ts, chunk-runner.ts).
import { newId } from '../../lib/ids.ts';
import { assertWithinQuota } from '../accounts/quotas.ts';
import type { Bucket } from '../buckets/types.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import type { TaskService } from '../tasks/task-service.ts';
import type { Task } from '../tasks/types.ts';
import type { ObjectService } from '../objects/object-service.ts';
import { resolveDag, type ResolvedTier } from './batch-dag.ts';
import { advanceJobId, type BatchJobScheduler } from './batch-jobs.ts';
import type { BatchChanges } from './batch-repositories.ts';
import { TERMINAL_BATCH_STATUSES, TRANSIENT_CATEGORIES, type Batch, type BatchFailure, type BatchStatus, type BatchTier, type BatchView } from './types.ts';

/** Most objects one batch can hold whatever the tier (the request bound; tiers cap lower: batch_size). */
export const MAX_BATCH_OBJECTS = 100_000;
export const DEFAULT_CHUNK_SIZE = 200;

export interface NewBatch {
  objectIds: string[];
  batchName: string | null;
  collectionIds: string[] | null;
  metadata: Record<string, unknown>;
}

export interface SubmitOptions {
  collectionIds: string[] | null;
  includeProcessingHistory: boolean;
}

export interface RetryOptions {
  retryMode: 'transient_only' | 'all';
  tierNums: number[] | null;
  maxRetryCount: number;
}

export interface RetryReport {
  batchId: string;
  status: BatchStatus;
  taskId: string | null;
  retriedCount: number;
  retriedObjectCount: number;
  tierNums: number[];
  generation: number;
  message: string;
}

export interface FailedDocumentsPage {
  batchId: string;
  failures: BatchFailure[];
  total: number;
  limit: number;
  offset: number;
}

/** The scope inside a bucket's namespace and the bucket (ObjectService.bucketFor). */
export type BucketLocator = Pick<ObjectService, 'bucketFor'>;

export interface BatchServiceOptions {
  /** Objects per chunk job (TESSERA_BATCH_CHUNK_SIZE). */
  chunkSize: number;
}

export class BatchService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly buckets: BucketLocator,
    private readonly tasks: TaskService,
    private readonly jobs: BatchJobScheduler,
    private readonly options: BatchServiceOptions,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  async create(outer: RequestScope, bucketIdentifier: string, input: NewBatch, skipValidation: boolean): Promise<BatchView> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'write_data');
    const objectIds = uniqueIds(input.objectIds);
    this.assertBatchSize(scope, objectIds.length);
    if (!skipValidation) await this.assertObjectsExist(scope, bucket, objectIds);
    const dag = await resolveDag(this.store, scope, bucket.bucketId, input.collectionIds);
    const now = this.now();
    const batch: Batch = {
      batchId: newId('batch'),
      organizationInternalId: scope.organization.internalId,
      namespaceId: bucket.namespaceId,
      bucketId: bucket.bucketId,
      batchName: input.batchName,
      status: 'DRAFT',
      requestedCollectionIds: input.collectionIds,
      collectionIds: dag.flatMap((t) => t.collections.map((c) => c.collectionId)),
      dagTiers: dag.map((t) => t.collections.map((c) => c.collectionId)),
      tiers: [],
      currentTier: null,
      objectCount: objectIds.length,
      taskId: null,
      error: null,
      metadata: input.metadata,
      includeProcessingHistory: true,
      chunkSize: this.options.chunkSize,
      generation: 0,
      retryRootObjectIds: null,
      submittedAt: null,
      completedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.transaction((repos) => repos.batches.insert(batch, objectIds));
    return { ...batch, objectIds, progress: [], extractorTypes: {} };
  }

  /** DRAFT only; ids already in the batch are ignored. */
  async addObjects(outer: RequestScope, bucketIdentifier: string, batchId: string, ids: string[], skipValidation: boolean): Promise<BatchView> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'write_data');
    const objectIds = uniqueIds(ids);
    if (!skipValidation) await this.assertObjectsExist(scope, bucket, objectIds);
    await this.store.transaction(async (repos) => {
      const batch = await this.lockIn(repos, scope, bucket, batchId);
      if (batch.status !== 'DRAFT') throw notDraft(batch, 'objects can only be added to a DRAFT batch');
      const added = await repos.batches.addObjects(scope, batch.batchId, objectIds);
      this.assertBatchSize(scope, batch.objectCount + added.length);
      await repos.batches.update(scope, batch.batchId, { objectCount: batch.objectCount + added.length }, this.now());
    });
    return this.view(scope, bucket, batchId);
  }

  async get(outer: RequestScope, bucketIdentifier: string, batchId: string): Promise<BatchView> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'read_data');
    return this.view(scope, bucket, batchId);
  }

  async patch(outer: RequestScope, bucketIdentifier: string, batchId: string, metadata: Record<string, unknown> | null): Promise<BatchView> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'write_data');
    await this.store.transaction(async (repos) => {
      const batch = await this.lockIn(repos, scope, bucket, batchId);
      if (metadata !== null) await repos.batches.update(scope, batch.batchId, { metadata }, this.now());
    });
    return this.view(scope, bucket, batchId);
  }

  async list(outer: RequestScope, bucketIdentifier: string, query: { status?: BatchStatus; limit: number; offset: number }): Promise<{ batches: BatchView[]; total: number }> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'read_data');
    const { batches, total } = await this.store.batches.list(scope, bucket.bucketId, query);
    const views: BatchView[] = [];
    for (const b of batches) views.push(await this.viewOf(scope, b));
    return { batches: views, total };
  }

  /** A running batch is canceled first (its jobs with it); its documents stay in their collections. */
  async delete(outer: RequestScope, bucketIdentifier: string, batchId: string): Promise<void> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'delete_data');
    await this.store.transaction(async (repos) => {
      const batch = await this.lockIn(repos, scope, bucket, batchId);
      if (!TERMINAL_BATCH_STATUSES.has(batch.status) && batch.status !== 'DRAFT') await this.cancelIn(repos, scope, batch);
      await repos.batches.remove(scope, batch.batchId);
    });
  }

  /**
   * DRAFT → PENDING: resolves the DAG (optionally limited to some collections), writes the batch's
   * task and the coordinator's first job with it. A batch already submitted and still running
   * answers its task again (a repeated submit is ignored); a finished one is a 409.
   */
  async submit(outer: RequestScope, bucketIdentifier: string, batchId: string, options: SubmitOptions): Promise<Task> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'write_data');
    const taskId = await this.store.transaction(async (repos) => {
      const batch = await this.lockIn(repos, scope, bucket, batchId);
      if ((batch.status === 'PENDING' || batch.status === 'IN_PROGRESS') && batch.taskId) return batch.taskId;
      if (batch.status !== 'DRAFT') {
        throw new ConflictError(`Batch ${batch.batchId} was already submitted and is ${batch.status}: retry its failures (POST …/retry) or create a new batch`, { resource: 'batch', batch_id: batch.batchId, status: batch.status }, 'batch_already_submitted');
      }
      if (batch.objectCount === 0) throw new BadRequestError('The batch has no objects', { batch_id: batch.batchId }, 'batch_empty');
      const dag = await resolveDag(repos, scope, bucket.bucketId, options.collectionIds ?? batch.requestedCollectionIds);
      if (dag.length === 0) {
        throw new BadRequestError(
          `No collection processes bucket ${bucket.bucketId}: create a collection whose source is this bucket (POST /v1/collections) before submitting`,
          { bucket_id: bucket.bucketId, batch_id: batch.batchId },
          'no_collections',
        );
      }
      return this.submitIn(repos, scope, batch, dag, options.includeProcessingHistory);
    });
    return this.tasks.get(scope, taskId);
  }

  /** auto_process=true: a batch of these objects, submitted, in the caller's transaction; nothing when no collection processes the bucket. */
  async scheduleIn(repos: Repositories, scope: RequestScope, bucket: Bucket, objectIds: readonly string[]): Promise<string | null> {
    const dag = await resolveDag(repos, scope, bucket.bucketId, null);
    if (dag.length === 0 || objectIds.length === 0) return null;
    const now = this.now();
    const ids = uniqueIds(objectIds);
    const batch: Batch = {
      batchId: newId('batch'),
      organizationInternalId: scope.organization.internalId,
      namespaceId: bucket.namespaceId,
      bucketId: bucket.bucketId,
      batchName: 'auto_process',
      status: 'DRAFT',
      requestedCollectionIds: null,
      collectionIds: [],
      dagTiers: [],
      tiers: [],
      currentTier: null,
      objectCount: ids.length,
      taskId: null,
      error: null,
      metadata: { auto_process: true },
      includeProcessingHistory: true,
      chunkSize: this.options.chunkSize,
      generation: 0,
      retryRootObjectIds: null,
      submittedAt: null,
      completedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await repos.batches.insert(batch, ids);
    await this.submitIn(repos, scope, batch, dag, true);
    return batch.batchId;
  }

  private async submitIn(repos: Repositories, scope: RequestScope, batch: Batch, dag: ResolvedTier[], includeProcessingHistory: boolean): Promise<string> {
    const now = this.now();
    const tiers: BatchTier[] = dag.map((t) => ({
      tierNum: t.tierNum,
      taskId: null,
      status: 'PENDING',
      collectionIds: t.collections.map((c) => c.collectionId),
      sourceType: t.sourceType,
      sourceCollectionIds: t.sourceType === 'bucket' ? null : [...new Set(t.collections.flatMap((c) => c.source.collectionIds))],
      chunkCount: 0,
      startedAt: null,
      completedAt: null,
    }));
    const collectionIds = tiers.flatMap((t) => t.collectionIds);
    const sample = await repos.batches.objectIds(scope, batch.batchId, 0, 5);
    const task = await this.tasks.createIn(repos, scope, submitTask(batch, {
      totalTiers: tiers.length,
      collectionIds,
      objectIds: sample,
      objectCount: batch.objectCount,
      jobId: advanceJobId(batch.batchId, 's0', 0),
    }));
    const changes: BatchChanges = {
      status: 'PENDING',
      tiers,
      dagTiers: tiers.map((t) => t.collectionIds),
      collectionIds,
      currentTier: null,
      taskId: task.taskId,
      includeProcessingHistory,
      chunkSize: this.options.chunkSize,
      submittedAt: now,
    };
    await repos.batches.update(scope, batch.batchId, changes, now);
    await this.jobs.advance(repos, scope, { ...batch, ...changes } as Batch, 's0');
    return task.taskId;
  }

  /** PENDING/IN_PROGRESS → CANCELED: open chunks and their jobs canceled (running ones see their signal abort), tasks canceled. */
  async cancel(outer: RequestScope, bucketIdentifier: string, batchId: string): Promise<Task | null> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'write_data');
    const taskId = await this.store.transaction(async (repos) => {
      const batch = await this.lockIn(repos, scope, bucket, batchId);
      if (batch.status === 'DRAFT') throw notDraft(batch, 'a DRAFT batch has not been submitted: there is nothing to cancel (delete it instead)');
      if (!TERMINAL_BATCH_STATUSES.has(batch.status)) await this.cancelIn(repos, scope, batch);
      return batch.taskId;
    });
    return taskId ? this.tasks.get(scope, taskId) : null;
  }

  private async cancelIn(repos: Repositories, scope: RequestScope, batch: Batch): Promise<void> {
    const now = this.now();
    const canceled = await repos.batchChunks.cancelOpen(scope, batch.batchId, now);
    await this.jobs.cancelChunks(repos, canceled);
    const tiers = batch.tiers.map((t) => (TERMINAL_BATCH_STATUSES.has(t.status as BatchStatus) || t.status === 'SKIPPED' ? t : { ...t, status: 'CANCELED' as const, completedAt: now }));
    for (const t of batch.tiers) if (t.taskId) await repos.tasks.cancel(scope, t.taskId, now);
    if (batch.taskId) await repos.tasks.cancel(scope, batch.taskId, now);
    await repos.batchFailures.settleRetrying(scope, batch.batchId, now);
    await repos.batches.update(scope, batch.batchId, { status: 'CANCELED', tiers, completedAt: now }, now);
  }

  /**
   * Runs failed items again (SPEC §10 retry): those of the chosen tiers and categories retried fewer
   * than max_retry_count times, from the first tier they failed in, through the tiers after it.
   */
  async retry(outer: RequestScope, bucketIdentifier: string, batchId: string, options: RetryOptions): Promise<RetryReport> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'write_data');
    return this.store.transaction(async (repos) => {
      const batch = await this.lockIn(repos, scope, bucket, batchId);
      if (batch.status === 'DRAFT') throw notDraft(batch, 'a DRAFT batch has not run: submit it');
      if (batch.status === 'CANCELED') throw notDraft(batch, 'a canceled batch cannot be retried: create a new batch for its objects');
      if (!TERMINAL_BATCH_STATUSES.has(batch.status)) {
        throw new ConflictError(`Batch ${batch.batchId} is still ${batch.status}: retry once it has finished`, { resource: 'batch', batch_id: batch.batchId, status: batch.status }, 'batch_running');
      }
      const now = this.now();
      const taken = await repos.batchFailures.takeForRetry(
        scope,
        batch.batchId,
        { tierNums: options.tierNums && options.tierNums.length > 0 ? options.tierNums : null, categories: options.retryMode === 'transient_only' ? TRANSIENT_CATEGORIES : null, maxRetryCount: options.maxRetryCount },
        now,
      );
      if (taken.length === 0) {
        return { batchId: batch.batchId, status: batch.status, taskId: batch.taskId, retriedCount: 0, retriedObjectCount: 0, tierNums: [], generation: batch.generation, message: 'No failed documents match the retry: nothing was queued' };
      }
      const roots = [...new Set(taken.map((f) => f.rootObjectId))];
      const fromTier = Math.min(...taken.map((f) => f.tierNum));
      const generation = batch.generation + 1;
      const tiers = batch.tiers.map((t) => (t.tierNum >= fromTier ? { ...t, status: 'PENDING' as const, taskId: null, startedAt: null, completedAt: null, chunkCount: 0 } : t));
      const step = `s${fromTier}`;
      const task = await this.tasks.createIn(repos, scope, submitTask(batch, {
        totalTiers: tiers.length,
        collectionIds: batch.collectionIds,
        objectIds: roots,
        objectCount: roots.length,
        jobId: advanceJobId(batch.batchId, step, generation),
        extra: { retry_generation: generation, retry_mode: options.retryMode },
      }));
      const changes: BatchChanges = { status: 'PENDING', generation, retryRootObjectIds: roots, currentTier: null, taskId: task.taskId, completedAt: null, error: null, tiers };
      await repos.batches.update(scope, batch.batchId, changes, now);
      await this.jobs.advance(repos, scope, { ...batch, ...changes } as Batch, step);
      return {
        batchId: batch.batchId,
        status: 'PENDING',
        taskId: task.taskId,
        retriedCount: taken.length,
        retriedObjectCount: roots.length,
        tierNums: [...new Set(taken.map((f) => f.tierNum))].sort((a, b) => a - b),
        generation,
        message: `Retrying ${taken.length} failed item(s) of ${roots.length} object(s) from tier ${fromTier}`,
      };
    });
  }

  async failedDocuments(outer: RequestScope, bucketIdentifier: string, batchId: string, query: { tierNum?: number; collectionId?: string; limit: number; offset: number }): Promise<FailedDocumentsPage> {
    const { scope, bucket } = await this.buckets.bucketFor(outer, bucketIdentifier, 'read_data');
    const batch = await this.store.batches.find(scope, bucket.bucketId, batchId);
    if (!batch) throw new NotFoundError('batch', batchId);
    const { failures, total } = await this.store.batchFailures.list(scope, batch.batchId, query);
    return { batchId: batch.batchId, failures, total, limit: query.limit, offset: query.offset };
  }

  private async view(scope: RequestScope, bucket: Bucket, batchId: string): Promise<BatchView> {
    const batch = await this.store.batches.find(scope, bucket.bucketId, batchId);
    if (!batch) throw new NotFoundError('batch', batchId);
    return this.viewOf(scope, batch);
  }

  private async viewOf(scope: RequestScope, batch: Batch): Promise<BatchView> {
    const [objectIds, progress] = await Promise.all([this.store.batches.objectIds(scope, batch.batchId), batch.tiers.length > 0 ? this.store.batchChunks.progress(scope, batch.batchId) : Promise.resolve([])]);
    const extractorTypes: Record<string, string> = {};
    for (const id of batch.collectionIds) {
      const c = await this.store.collections.find(scope, id);
      extractorTypes[id] = c ? c.featureExtractor.feature_extractor_name : 'unknown';
    }
    return { ...batch, objectIds, progress, extractorTypes };
  }

  private async lockIn(repos: Repositories, scope: RequestScope, bucket: Bucket, batchId: string): Promise<Batch> {
    const batch = await repos.batches.lock(scope, batchId);
    if (!batch || batch.bucketId !== bucket.bucketId) throw new NotFoundError('batch', batchId);
    return batch;
  }

  private assertBatchSize(scope: RequestScope, size: number): void {
    if (size > MAX_BATCH_OBJECTS) throw new BadRequestError(`A batch holds at most ${MAX_BATCH_OBJECTS} objects`, { field: 'object_ids', count: size, max: MAX_BATCH_OBJECTS }, 'batch_too_large');
    // The tier's batch_size quota (SPEC §20): 0 objects added is always fine.
    if (size > 0) assertWithinQuota(scope.organization, 'batch_size', size - 1, 1);
  }

  private async assertObjectsExist(scope: RequestScope, bucket: Bucket, objectIds: readonly string[]): Promise<void> {
    const found = await this.store.objects.existingIds(scope, bucket.bucketId, objectIds);
    const missing = objectIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new BadRequestError(
        `${missing.length} object(s) are not in bucket ${bucket.bucketId}: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
        { field: 'object_ids', missing_object_ids: missing.slice(0, 100), missing_count: missing.length },
        'objects_not_found',
      );
    }
  }
}

function uniqueIds(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function notDraft(batch: Batch, why: string): BadRequestError {
  return new BadRequestError(`Batch ${batch.batchId} is ${batch.status}: ${why}`, { batch_id: batch.batchId, status: batch.status }, 'invalid_batch_status');
}

/** The task of a batch run (submit or retry): SPEC §11's batch task fields. */
function submitTask(
  batch: Batch,
  run: { totalTiers: number; collectionIds: readonly string[]; objectIds: readonly string[]; objectCount: number; jobId: string; extra?: Record<string, unknown> },
) {
  return {
    taskType: 'api_buckets_batches_submit' as const,
    inputs: [batch.batchId],
    additionalData: {
      batch_id: batch.batchId,
      bucket_id: batch.bucketId,
      namespace_id: batch.namespaceId,
      current_tier: null,
      total_tiers: run.totalTiers,
      collection_ids: [...run.collectionIds],
      object_count: run.objectCount,
      sample_object_ids: run.objectIds.slice(0, 5),
      ...run.extra,
      job_id: run.jobId,
    },
  };
}

// The asynchronous operations of the API, scheduled on the job queue: each writes its task and its
// job in the caller's transaction (the outbox), beside the state change that needs them, so a crash
// after the commit loses nothing and a rollback leaves no job behind.
import type { Bucket } from '../buckets/types.ts';
import type { BucketDeletionScheduler } from '../buckets/bucket-service.ts';
import type { NamespaceDeletionScheduler } from '../namespaces/namespace-service.ts';
import { ServiceUnavailableError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import { withNamespace, type RequestScope } from '../scope/request-scope.ts';
import type { TaskService } from '../tasks/task-service.ts';
import type { UploadConfirmScheduler } from '../uploads/upload-seams.ts';
import type { JobCatalogue } from './job-catalogue.ts';
import { advanceJobId, chunkJobId, type BatchJobScheduler } from '../batches/batch-jobs.ts';

export interface QueuedOperations {
  namespaceDeletions: NamespaceDeletionScheduler;
  bucketDeletions: BucketDeletionScheduler;
  uploadConfirmations: UploadConfirmScheduler;
  batchJobs: BatchJobScheduler;
}

/** Chunk jobs retry a database or network blip this many times before the chunk is recorded as failed. */
export const CHUNK_MAX_ATTEMPTS = 8;

export function queuedOperations(tasks: TaskService, queue: JobQueue<JobCatalogue>, clock: Clock): QueuedOperations {
  const organization_id = (scope: RequestScope) => scope.organization.organizationId;
  return {
    namespaceDeletions: {
      async schedule(repos, scope, namespace) {
        const inNamespace = withNamespace(scope, { namespaceId: namespace.namespaceId, namespaceName: namespace.namespaceName });
        const task = await tasks.createIn(repos, inNamespace, {
          taskType: 'api_namespaces_delete',
          inputs: [namespace.namespaceId],
          additionalData: { namespace_id: namespace.namespaceId, namespace_name: namespace.namespaceName },
        });
        await queue.enqueueIn(repos, {
          id: `namespace.delete:${namespace.namespaceId}`,
          name: 'namespace.delete',
          payload: { organization_id: organization_id(scope), namespace_id: namespace.namespaceId },
          taskId: task.taskId,
        });
        return task.taskId;
      },
      async scheduleExpiry(repos, scope, namespace) {
        if (!namespace.expiresAt) return;
        await queue.enqueueIn(repos, {
          id: `namespace.expire:${namespace.namespaceId}`,
          name: 'namespace.expire',
          payload: { organization_id: organization_id(scope), namespace_id: namespace.namespaceId },
          delayMs: Math.max(0, Date.parse(namespace.expiresAt) - clock.now().getTime()),
        });
      },
    },
    bucketDeletions: {
      async schedule(repos, scope, bucket: Bucket) {
        const task = await tasks.createIn(repos, scope, {
          taskType: 'api_buckets_delete',
          inputs: [bucket.bucketId],
          additionalData: { bucket_id: bucket.bucketId, bucket_name: bucket.bucketName, namespace_id: bucket.namespaceId },
        });
        await queue.enqueueIn(repos, {
          id: `bucket.delete:${bucket.bucketId}`,
          name: 'bucket.delete',
          payload: { organization_id: organization_id(scope), namespace_id: bucket.namespaceId, bucket_id: bucket.bucketId },
          taskId: task.taskId,
        });
        return task.taskId;
      },
    },
    uploadConfirmations: {
      async schedule(repos, scope, bucketId, uploadIds, batch) {
        const namespaceId = scope.namespace?.namespaceId;
        if (!namespaceId) throw new Error('upload confirmation needs a scope inside the bucket\'s namespace');
        const jobId = batch ? null : `upload.confirm:${uploadIds[0]}`;
        // A confirmation already queued (a repeated confirm?async=true): its task is the one to poll.
        const existing = jobId ? await repos.jobs.find(jobId) : undefined;
        if (existing?.taskId) return { taskId: existing.taskId };
        const task = await tasks.createIn(repos, scope, {
          taskType: batch ? 'api_buckets_uploads_batch_confirm' : 'api_buckets_uploads_confirm',
          inputs: [...uploadIds],
          additionalData: { bucket_id: bucketId, namespace_id: namespaceId, upload_count: uploadIds.length },
        });
        await queue.enqueueIn(repos, {
          id: jobId ?? `upload.confirm:batch:${task.taskId}`,
          name: 'upload.confirm',
          payload: { organization_id: organization_id(scope), namespace_id: namespaceId, bucket_id: bucketId, upload_ids: [...uploadIds] },
          taskId: task.taskId,
        });
        return { taskId: task.taskId };
      },
    },
    batchJobs: {
      async advance(repos, scope, batch, step) {
        await queue.enqueueIn(repos, {
          id: advanceJobId(batch.batchId, step, batch.generation),
          name: 'batch.advance',
          payload: { organization_id: organization_id(scope), namespace_id: batch.namespaceId, batch_id: batch.batchId, generation: batch.generation, step },
          maxAttempts: 20,
        });
      },
      async chunks(repos, scope, batch, chunks) {
        for (const c of chunks) {
          await queue.enqueueIn(repos, {
            id: chunkJobId(batch.batchId, c.tierNum, c.collectionId, c.chunkIndex, c.generation),
            name: 'batch.process-chunk',
            payload: {
              organization_id: organization_id(scope),
              namespace_id: batch.namespaceId,
              batch_id: batch.batchId,
              tier_num: c.tierNum,
              collection_id: c.collectionId,
              chunk_index: c.chunkIndex,
              generation: c.generation,
            },
            maxAttempts: CHUNK_MAX_ATTEMPTS,
          });
        }
      },
      async cancelChunks(repos, chunks) {
        const now = clock.now().toISOString();
        for (const c of chunks) await repos.jobs.cancel(chunkJobId(c.batchId, c.tierNum, c.collectionId, c.chunkIndex, c.generation), now);
      },
    },
  };
}

const unavailable = (what: string) => async (): Promise<never> => {
  throw new ServiceUnavailableError(`${what} needs the job queue, which this process did not open`, 5);
};

/** A process opened without a job queue: whatever must be scheduled is refused (503) and nothing changes. */
export const UNQUEUED: QueuedOperations = {
  namespaceDeletions: { schedule: unavailable('Namespace deletion'), scheduleExpiry: unavailable('A namespace ttl') },
  bucketDeletions: { schedule: unavailable('Bucket deletion') },
  uploadConfirmations: { schedule: unavailable('Asynchronous upload confirmation') },
  batchJobs: { advance: unavailable('Batch processing'), chunks: unavailable('Batch processing'), cancelChunks: async () => {} },
};

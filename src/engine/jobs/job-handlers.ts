// Where every job of the catalogue gets its handler; the queue refuses to start while one is
// missing. Handlers are idempotent: a job whose process died mid-run runs again from the start.
import { purgeBucket } from '../buckets/bucket-purge.ts';
import { NotFoundError } from '../errors.ts';
import { purgeNamespace } from '../namespaces/namespace-purge.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import { scopeForJob, type JobTenant } from '../scope/job-scope.ts';
import type { Services } from '../services.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { JobCatalogue } from './job-catalogue.ts';
import { PermanentJobError } from './job-runner.ts';
import { CHUNK_MAX_ATTEMPTS } from './queued-operations.ts';

export function registerJobHandlers(queue: JobQueue<JobCatalogue>, services: Services, store: MetadataStore): void {
  // task.completed / task.failed for webhooks, committed with the task's final status.
  queue.onTaskSettled(async (repos, task) => {
    const tenant = task.payload as Partial<JobTenant>;
    if (typeof tenant.organization_id !== 'string') return;
    const organization = await repos.organizations.findByPublicId(tenant.organization_id);
    if (!organization) return;
    await services.events.publishIn(repos, { organization, namespace: null }, {
      event_type: task.status === 'FAILED' ? 'task.failed' : 'task.completed',
      namespace_id: tenant.namespace_id ?? null,
      subject: { type: 'task', id: task.taskId },
      metadata: { task_id: task.taskId, status: task.status, error: task.error },
    });
  });

  queue.register(
    'namespace.delete',
    async (payload, ctx) => {
      const organization = await store.organizations.findByPublicId(payload.organization_id);
      // The organization is gone: its namespaces went with it (foreign keys cascade).
      if (!organization) return { outputs: [{ namespace_id: payload.namespace_id, skipped: 'organization deleted' }] };
      const result = await purgeNamespace(store, services.blobs, organization, payload.namespace_id, (p, m) => ctx.progress(p, m), `worker:${ctx.jobId}`);
      return {
        outputs: [{ namespace_id: payload.namespace_id, buckets_deleted: result.bucketsDeleted, objects_deleted: result.objectsDeleted, blobs_deleted: result.blobsDeleted }],
      };
    },
    { maxAttempts: 10 },
  );

  queue.register(
    'bucket.delete',
    async (payload, ctx) => {
      let scope;
      try {
        scope = await scopeForJob(store, services.namespaceResolution, payload, ctx.jobId);
      } catch (err) {
        // The namespace (or organization) is being deleted or gone: its cascade removes the bucket.
        if (err instanceof NotFoundError) return { outputs: [{ bucket_id: payload.bucket_id, skipped: 'namespace deleted' }] };
        throw err;
      }
      await ctx.progress(10, 'deleting objects, uploads and blobs');
      const result = await purgeBucket(store, services.blobs, scope, payload.bucket_id);
      return { outputs: [{ bucket_id: payload.bucket_id, objects_deleted: result.objectsDeleted, blobs_deleted: result.blobsDeleted }] };
    },
    { maxAttempts: 10 },
  );

  queue.register('upload.confirm', async (payload, ctx) => {
    const scope = await scopeForJob(store, services.namespaceResolution, payload, ctx.jobId);
    const { completed, failed } = await services.uploads.runConfirmJob(scope, payload.bucket_id, payload.upload_ids);
    if (payload.upload_ids.length === 1 && failed.length === 1) throw new PermanentJobError(failed[0]!.error);
    return {
      outputs: completed,
      additionalData: { completed_count: completed.length, failed_count: failed.length, failed },
      status: failed.length > 0 ? 'COMPLETED_WITH_ERRORS' : 'COMPLETED',
    };
  });

  // One attempt per job: a failed attempt enqueues the next itself (with its backoff), so the job
  // queue's own retries only cover a run cut short (a crash) or the database being unreachable.
  queue.register('webhook.deliver', async (payload) => {
    const result = await services.webhookDeliveries.attempt(payload);
    return { outputs: [{ delivery_id: payload.delivery_id, attempt: payload.attempt, result }] };
  });

  queue.register('namespace.expire', async (payload, ctx) => {
    const organization = await store.organizations.findByPublicId(payload.organization_id);
    if (!organization) return;
    const taskId = await services.namespaces.expire(organization, payload.namespace_id, `worker:${ctx.jobId}`);
    return { outputs: [{ namespace_id: payload.namespace_id, deletion_task_id: taskId }] };
  });

  queue.register(
    'batch.advance',
    async (payload) => {
      let scope;
      try {
        scope = await scopeForJob(store, services.namespaceResolution, payload, `batch.advance:${payload.batch_id}`);
      } catch (err) {
        // The namespace is being deleted or gone: its batches go with it.
        if (err instanceof NotFoundError) return { outputs: [{ batch_id: payload.batch_id, skipped: 'namespace deleted' }] };
        throw err;
      }
      const r = await services.batchProcessing.coordinator.advance(scope, payload);
      return { outputs: [{ batch_id: payload.batch_id, step: payload.step, batch_status: r.batchStatus, current_tier: r.tier }] };
    },
    { maxAttempts: 20 },
  );

  queue.register(
    'batch.process-chunk',
    async (payload, ctx) => {
      let scope;
      try {
        scope = await scopeForJob(store, services.namespaceResolution, payload, ctx.jobId);
      } catch (err) {
        if (err instanceof NotFoundError) return { outputs: [{ batch_id: payload.batch_id, skipped: 'namespace deleted' }] };
        throw err;
      }
      const r = await services.batchProcessing.chunks.run(scope, payload, ctx);
      return { outputs: [{ batch_id: payload.batch_id, tier_num: payload.tier_num, collection_id: payload.collection_id, chunk_index: payload.chunk_index, ...r }] };
    },
    {
      maxAttempts: CHUNK_MAX_ATTEMPTS,
      onExhausted: async (payload, error) => {
        const scope = await scopeForJob(store, services.namespaceResolution, payload, `batch.process-chunk:${payload.batch_id}`).catch((err: unknown) => {
          if (err instanceof NotFoundError) return null;
          throw err;
        });
        if (scope) await services.batchProcessing.chunks.abandon(scope, payload, error);
      },
    },
  );
}

// A batch's coordinator ('batch.advance'): starts a tier (its chunks and their jobs, the tier's
// task), closes it once no chunk of it is open (the last chunk to finish queues this step in its
// own transaction), moves to the next tier, and finishes the batch (status, task, 'batch.completed').
// Every step runs under the batch row's lock and checks it is still due, so a repeated or stale
// step (a rerun after a crash, an old retry's job) changes nothing.
import type { Repositories } from '../ports/unit-of-work.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import type { TaskStatus } from '../tasks/types.ts';
import type { BatchProcessingDeps } from './processing-deps.ts';
import { TERMINAL_BATCH_STATUSES, ZERO_COUNTERS, type Batch, type BatchChunk, type BatchStatus, type BatchTier, type CollectionProgress } from './types.ts';

export interface AdvancePayload {
  batch_id: string;
  generation: number;
  /** 's<n>': start at tier n (submit: s0; a retry: its first tier); 't<n>': tier n has no open chunk. */
  step: string;
}

export class BatchCoordinator {
  constructor(private readonly deps: BatchProcessingDeps) {}

  async advance(scope: RequestScope, p: AdvancePayload): Promise<{ batchStatus: BatchStatus | null; tier: number | null }> {
    return this.deps.store.transaction(async (repos) => {
      const batch = await repos.batches.lock(scope, p.batch_id);
      if (!batch || batch.generation !== p.generation || TERMINAL_BATCH_STATUSES.has(batch.status)) return { batchStatus: batch?.status ?? null, tier: null };
      const now = this.deps.clock.now().toISOString();
      const tiers = batch.tiers.map((t) => ({ ...t }));
      let next: number;
      if (p.step.startsWith('s')) {
        // Started already: a repeated start changes nothing.
        if (batch.currentTier !== null) return { batchStatus: batch.status, tier: batch.currentTier };
        next = Number(p.step.slice(1));
      } else {
        const done = Number(p.step.slice(1));
        if (batch.currentTier !== done) return { batchStatus: batch.status, tier: batch.currentTier };
        if ((await repos.batchChunks.countOpen(scope, batch.batchId, done)) > 0) return { batchStatus: batch.status, tier: done };
        const progress = await repos.batchChunks.progress(scope, batch.batchId);
        const status = await this.closeTier(repos, scope, tiers, done, progress, now);
        if (status === 'FAILED') {
          // Nothing downstream can run on a tier that produced nothing.
          for (const t of tiers) if (t.tierNum > done) Object.assign(t, { status: 'SKIPPED' as TaskStatus, completedAt: now });
          return this.finish(repos, scope, batch, tiers, progress, now);
        }
        next = done + 1;
      }
      while (next < tiers.length) {
        const planned = await this.startTier(repos, scope, batch, tiers, next, now);
        if (planned > 0) {
          await repos.batches.update(scope, batch.batchId, { status: 'IN_PROGRESS', currentTier: next, tiers }, now);
          if (batch.taskId) {
            await repos.tasks.applyJobState(batch.taskId, {
              status: 'IN_PROGRESS',
              progressMessage: `tier ${next} of ${tiers.length}: ${planned} chunk(s)`,
              additionalData: { current_tier: next, total_tiers: tiers.length },
              now,
            });
          }
          return { batchStatus: 'IN_PROGRESS', tier: next };
        }
        Object.assign(tiers[next]!, { status: 'SKIPPED' as TaskStatus, completedAt: now });
        next += 1;
      }
      return this.finish(repos, scope, batch, tiers, await repos.batchChunks.progress(scope, batch.batchId), now);
    });
  }

  /** Writes the tier's chunks (this run's) and queues their jobs; returns how many. */
  private async startTier(repos: Repositories, scope: RequestScope, batch: Batch, tiers: BatchTier[], tierNum: number, now: string): Promise<number> {
    const tier = tiers[tierNum]!;
    const size = batch.chunkSize;
    const chunks: BatchChunk[] = [];
    const fresh = (collectionId: string, chunkIndex: number, rootObjectIds: string[] | null): BatchChunk => ({
      batchId: batch.batchId,
      tierNum,
      collectionId,
      chunkIndex,
      startPosition: chunkIndex * size,
      endPosition: Math.min(batch.objectCount, (chunkIndex + 1) * size),
      status: 'queued',
      generation: batch.generation,
      rootObjectIds,
      counters: { ...ZERO_COUNTERS },
      creditsMillis: 0,
      errors: [],
      startedAt: null,
      completedAt: null,
    });
    if (batch.generation === 0 || batch.retryRootObjectIds === null) {
      const n = Math.ceil(batch.objectCount / size);
      for (const collectionId of tier.collectionIds) for (let i = 0; i < n; i++) chunks.push(fresh(collectionId, i, null));
    } else {
      // A retry: only the chunks holding the objects it runs again, restricted to them; earlier
      // counters and errors stay and the rerun adds to them.
      const positions = await repos.batches.objectPositions(scope, batch.batchId, batch.retryRootObjectIds);
      const byChunk = new Map<number, string[]>();
      for (const [id, pos] of positions) {
        const i = Math.floor(pos / size);
        byChunk.set(i, [...(byChunk.get(i) ?? []), id]);
      }
      const existing = new Map((await repos.batchChunks.listInTier(scope, batch.batchId, tierNum)).map((c) => [`${c.collectionId}|${c.chunkIndex}`, c]));
      for (const collectionId of tier.collectionIds) {
        for (const [i, ids] of [...byChunk.entries()].sort((a, b) => a[0] - b[0])) {
          const before = existing.get(`${collectionId}|${i}`);
          chunks.push(before ? { ...before, status: 'queued', generation: batch.generation, rootObjectIds: ids, completedAt: null } : fresh(collectionId, i, ids));
        }
      }
    }
    if (chunks.length === 0) return 0;
    await repos.batchChunks.upsertMany(scope, chunks);
    await this.deps.jobs.chunks(repos, scope, batch, chunks);
    const task = await this.deps.tasks.createIn(repos, scope, {
      taskType: 'api_buckets_batches_process',
      status: 'IN_PROGRESS',
      inputs: [batch.batchId],
      additionalData: {
        batch_id: batch.batchId,
        bucket_id: batch.bucketId,
        namespace_id: batch.namespaceId,
        tier_num: tierNum,
        collection_ids: tier.collectionIds,
        source_type: tier.sourceType,
        parent_task_id: batch.taskId,
        chunk_count: chunks.length,
      },
    });
    Object.assign(tier, { status: 'IN_PROGRESS' as TaskStatus, taskId: task.taskId, startedAt: now, completedAt: null, chunkCount: chunks.length });
    return chunks.length;
  }

  /** The tier's outcome from its chunks; its task ends with it. */
  private async closeTier(repos: Repositories, scope: RequestScope, tiers: BatchTier[], tierNum: number, progress: CollectionProgress[], now: string): Promise<TaskStatus> {
    const tier = tiers[tierNum]!;
    const rows = progress.filter((r) => r.tierNum === tierNum);
    const chunks = rows.reduce((n, r) => n + r.chunks, 0);
    const failedChunks = rows.reduce((n, r) => n + r.failedChunks, 0);
    const failed = rows.reduce((n, r) => n + r.counters.failedCount, 0);
    const written = rows.reduce((n, r) => n + r.counters.documentsWritten, 0);
    const status: TaskStatus = chunks > 0 && failedChunks === chunks ? 'FAILED' : failed > 0 || failedChunks > 0 ? 'COMPLETED_WITH_ERRORS' : 'COMPLETED';
    Object.assign(tier, { status, completedAt: now });
    if (tier.taskId) {
      const error = status === 'FAILED' ? (rows.flatMap((r) => r.errors)[0]?.message ?? 'every chunk of the tier failed') : null;
      await repos.tasks.applyJobState(tier.taskId, {
        status,
        progress: 100,
        outputs: rows.map((r) => ({ collection_id: r.collectionId, documents_written: r.counters.documentsWritten, failed_count: r.counters.failedCount })),
        additionalData: { documents_written: written, failed_count: failed },
        ...(error ? { error } : {}),
        now,
      });
    }
    void scope;
    return status;
  }

  private async finish(repos: Repositories, scope: RequestScope, batch: Batch, tiers: BatchTier[], progress: CollectionProgress[], now: string): Promise<{ batchStatus: BatchStatus; tier: number | null }> {
    await repos.batchFailures.settleRetrying(scope, batch.batchId, now);
    const statuses = tiers.map((t) => t.status);
    const status: BatchStatus = statuses.includes('FAILED') ? 'FAILED' : statuses.includes('COMPLETED_WITH_ERRORS') ? 'COMPLETED_WITH_ERRORS' : 'COMPLETED';
    const firstError = progress.flatMap((r) => r.errors)[0]?.message ?? null;
    const error = status === 'COMPLETED' ? null : firstError;
    const written = progress.reduce((n, r) => n + r.counters.documentsWritten, 0);
    const failed = progress.reduce((n, r) => n + r.counters.failedCount, 0);
    await repos.batches.update(scope, batch.batchId, { status, tiers, completedAt: now, error }, now);
    if (batch.taskId) {
      await repos.tasks.applyJobState(batch.taskId, {
        status: status === 'COMPLETED_WITH_ERRORS' ? 'COMPLETED_WITH_ERRORS' : status,
        progress: 100,
        progressMessage: null,
        outputs: progress.map((r) => ({ tier_num: r.tierNum, collection_id: r.collectionId, documents_written: r.counters.documentsWritten, failed_count: r.counters.failedCount })),
        additionalData: { current_tier: batch.currentTier, total_tiers: tiers.length, documents_written: written, failed_count: failed },
        ...(status === 'FAILED' ? { error: error ?? 'the batch failed' } : {}),
        now,
      });
    }
    await this.deps.events.publishIn(repos, scope, {
      event_type: 'batch.completed',
      namespace_id: batch.namespaceId,
      subject: { type: 'batch', id: batch.batchId },
      metadata: { batch_id: batch.batchId, bucket_id: batch.bucketId, status, task_id: batch.taskId, documents_written: written, failed_count: failed, collection_ids: batch.collectionIds },
    });
    return { batchStatus: status, tier: null };
  }
}

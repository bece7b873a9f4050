// How batches reach the job queue: the coordinator's steps ('batch.advance') and the chunks
// ('batch.process-chunk'), with deterministic job ids derived from what they are about, so a
// resubmission, a repeated step or a rerun after a crash finds the job already there.
import type { Repositories } from '../ports/unit-of-work.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import type { Batch, BatchChunk } from './types.ts';

/** `batch:<id>:t<tier>:c<collection>:<chunk>`, plus `:r<n>` for the n-th retry's run. */
export function chunkJobId(batchId: string, tierNum: number, collectionId: string, chunkIndex: number, generation: number): string {
  return `batch:${batchId}:t${tierNum}:c${collectionId}:${chunkIndex}${generation > 0 ? `:r${generation}` : ''}`;
}

/** `batch:<id>:advance:<step>` (step 'start', or 't<n>' once tier n has no open chunk), plus `:r<n>`. */
export function advanceJobId(batchId: string, step: string, generation: number): string {
  return `batch:${batchId}:advance:${step}${generation > 0 ? `:r${generation}` : ''}`;
}

/** Writes batch jobs in the caller's transaction (the outbox); cancels them. */
export interface BatchJobScheduler {
  /** Queues a coordinator step (deduplicated by step and generation). */
  advance(repos: Repositories, scope: RequestScope, batch: Batch, step: string): Promise<void>;
  /** Queues one job per chunk of this generation. */
  chunks(repos: Repositories, scope: RequestScope, batch: Batch, chunks: readonly BatchChunk[]): Promise<void>;
  /** Cancels the jobs of these chunks (a running handler sees its signal abort at its next heartbeat). */
  cancelChunks(repos: Repositories, chunks: readonly BatchChunk[]): Promise<void>;
}

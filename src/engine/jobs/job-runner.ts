// Runs one claimed job: its handler with a context, a lease kept alive by heartbeats, progress and
// the outcome written to the job row and its task in one transaction each. Queue-agnostic: the
// embedded pool and the BullMQ worker both call runJob once they hold a job.
import { TesseraError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { JobContext, JobOutcome, TaskSettledObserver } from '../ports/job-queue.ts';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.ts';
import { retryDelayMs } from './backoff.ts';
import type { JobRecord } from './job-repositories.ts';
import type { RegisteredHandler } from './job-registry.ts';

/** A failure retrying cannot fix (bad payload, the resource is gone): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

export type RunResult =
  | { outcome: 'completed' }
  | { outcome: 'retry'; error: string; delayMs: number }
  | { outcome: 'failed'; error: string; permanent: boolean }
  /** Canceled while it ran: nothing more is written. */
  | { outcome: 'canceled' }
  /** Another process took the job over (this one's lease ran out): nothing more is written. */
  | { outcome: 'lost' };

export interface RunJobOptions {
  store: UnitOfWork & Pick<Repositories, 'jobs' | 'tasks'>;
  clock: Clock;
  /** This run's lease owner (process token + job id). */
  owner: string;
  leaseMs: number;
  /** Aborts the handler's signal too (the queue is closing past its grace period). */
  stopSignal?: AbortSignal;
  onBackgroundError?: (err: unknown) => void;
  /** Writes with the transaction that settles the job's task for good (events). */
  onTaskSettled?: TaskSettledObserver | null;
}

export async function runJob(job: JobRecord, registered: RegisteredHandler, options: RunJobOptions): Promise<RunResult> {
  const { store, clock, owner, leaseMs } = options;
  const now = () => clock.now().toISOString();
  const leaseUntil = () => new Date(clock.now().getTime() + leaseMs).toISOString();

  // Claimed again after its process died, with no attempt left.
  if (job.attempts > job.maxAttempts) {
    const error = `${job.lastError ?? 'the process running the job stopped before it finished, and no attempts are left'} (attempts exhausted)`;
    if (registered.onExhausted) {
      try {
        await registered.onExhausted(job.payload, error);
      } catch (err) {
        options.onBackgroundError?.(err);
      }
    }
    return settleFailed(job, owner, error, false, options);
  }

  const controller = new AbortController();
  let stopReason: 'canceled' | 'lost' | null = null;
  const onStop = () => controller.abort(new Error('the job queue is closing'));
  options.stopSignal?.addEventListener('abort', onStop, { once: true });
  if (options.stopSignal?.aborted) onStop();

  // Renew well before expiry: two missed renewals still leave the lease held.
  const heartbeat = setInterval(() => {
    store.jobs.renewLease(job.id, owner, leaseUntil(), now()).then(
      (state) => {
        if (state !== 'held' && !controller.signal.aborted) {
          stopReason = state;
          controller.abort(new Error(state === 'canceled' ? 'the job was canceled' : 'the job was taken over by another process'));
        }
      },
      (err: unknown) => options.onBackgroundError?.(err),
    );
  }, Math.max(10, Math.floor(leaseMs / 3)));
  heartbeat.unref?.();

  if (job.taskId) {
    await store.tasks.applyJobState(job.taskId, { status: 'IN_PROGRESS', additionalData: { job_id: job.id, attempt: job.attempts }, now: now() });
  }

  const context: JobContext = {
    jobId: job.id,
    taskId: job.taskId,
    attempt: job.attempts,
    maxAttempts: job.maxAttempts,
    signal: controller.signal,
    progress: async (percent, message) => {
      const progress = Math.max(0, Math.min(100, Math.round(percent)));
      const progressMessage = message ?? null;
      await store.transaction(async (repos) => {
        if (!(await repos.jobs.setProgress(job.id, owner, progress, progressMessage, now()))) return;
        if (job.taskId) await repos.tasks.applyJobState(job.taskId, { progress, progressMessage, now: now() });
      });
    },
  };

  let outcome: JobOutcome | void;
  try {
    outcome = await registered.handler(job.payload, context);
  } catch (err) {
    clearInterval(heartbeat);
    options.stopSignal?.removeEventListener('abort', onStop);
    if (stopReason) return { outcome: stopReason };
    const error = describe(err);
    const permanent = isPermanent(err);
    if (permanent || job.attempts >= job.maxAttempts) return settleFailed(job, owner, error, permanent, options);
    const delayMs = retryDelayMs(job.attempts, registered.backoff);
    const settled = await store.transaction(async (repos) => {
      const runAfter = new Date(clock.now().getTime() + delayMs).toISOString();
      if (!(await repos.jobs.settle(job.id, owner, { status: 'queued', error, runAfter, now: now() }))) return false;
      if (job.taskId) await repos.tasks.applyJobState(job.taskId, { status: 'PENDING', additionalData: { last_error: error, attempt: job.attempts, retry_at: runAfter }, now: now() });
      return true;
    });
    return settled ? { outcome: 'retry', error, delayMs } : await lostOrCanceled(job.id, options);
  }
  clearInterval(heartbeat);
  options.stopSignal?.removeEventListener('abort', onStop);
  if (stopReason) return { outcome: stopReason };
  const settled = await store.transaction(async (repos) => {
    if (!(await repos.jobs.settle(job.id, owner, { status: 'completed', now: now() }))) return false;
    if (job.taskId) {
      const status = outcome?.status ?? 'COMPLETED';
      await repos.tasks.applyJobState(job.taskId, {
        status,
        progress: 100,
        ...(outcome?.outputs ? { outputs: outcome.outputs } : {}),
        ...(outcome?.additionalData ? { additionalData: outcome.additionalData } : {}),
        now: now(),
      });
      await options.onTaskSettled?.(repos, { taskId: job.taskId, jobId: job.id, jobName: job.name, payload: job.payload, status, error: null });
    }
    return true;
  });
  return settled ? { outcome: 'completed' } : await lostOrCanceled(job.id, options);
}

async function settleFailed(job: JobRecord, owner: string, error: string, permanent: boolean, options: RunJobOptions): Promise<RunResult> {
  const now = options.clock.now().toISOString();
  const settled = await options.store.transaction(async (repos) => {
    if (!(await repos.jobs.settle(job.id, owner, { status: 'failed', error, now }))) return false;
    if (job.taskId) {
      await repos.tasks.applyJobState(job.taskId, { status: 'FAILED', error, additionalData: { error }, now });
      await options.onTaskSettled?.(repos, { taskId: job.taskId, jobId: job.id, jobName: job.name, payload: job.payload, status: 'FAILED', error });
    }
    return true;
  });
  return settled ? { outcome: 'failed', error, permanent } : lostOrCanceled(job.id, options);
}

async function lostOrCanceled(id: string, options: RunJobOptions): Promise<RunResult> {
  const current = await options.store.jobs.find(id);
  return { outcome: current?.status === 'canceled' ? 'canceled' : 'lost' };
}

/** Client-side failures (4xx: not found, bad request) do not heal by retrying. */
function isPermanent(err: unknown): boolean {
  if (err instanceof PermanentJobError) return true;
  return err instanceof TesseraError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Bounded: the error lands in a row and in every task view.
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}

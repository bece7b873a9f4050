// The job queue: durable background work with at-least-once execution. Two adapters: the metadata
// database itself (default; an in-process pool claims due rows) and BullMQ on Redis (rows are an
// outbox relayed to BullMQ). Handlers run the same either way, so they must be idempotent: a job
// whose process died mid-run is run again.
import type { BackoffPolicy } from '../jobs/backoff.ts';
import type { JobCatalogue, JobPayloads } from '../jobs/job-catalogue.ts';
import type { JobRecord, JobRepositories } from '../jobs/job-repositories.ts';
import type { TaskItem } from '../tasks/types.ts';
import type { Repositories } from './unit-of-work.ts';

export interface EnqueueRequest<C extends JobPayloads, N extends keyof C & string> {
  /**
   * Deterministic, chosen by the caller from what the job is about (`bucket.delete:bkt_x`):
   * enqueueing an id that exists returns the existing job and changes nothing (resubmission dedupes).
   */
  id: string;
  name: N;
  payload: C[N];
  /** Default: the handler's registered maxAttempts, else 5. */
  maxAttempts?: number;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** The task record this job reports to (progress, status, outputs, error). */
  taskId?: string | null;
}

export interface EnqueueResult {
  job: JobRecord;
  /** False when a job with that id already existed (nothing was changed). */
  created: boolean;
}

export interface JobContext {
  jobId: string;
  taskId: string | null;
  /** 1 for the first run. */
  attempt: number;
  maxAttempts: number;
  /**
   * Aborted when the job is canceled, when this process lost the job's lease (another process
   * took it over), or when the queue closes past its grace period. Long handlers check it between
   * steps and pass it to what they await.
   */
  signal: AbortSignal;
  /** Writes progress (0-100) and a message to the job and its task as the work goes. */
  progress(percent: number, message?: string): Promise<void>;
}

/** What a handler may report; written to the job's task. */
export interface JobOutcome {
  outputs?: TaskItem[];
  additionalData?: Record<string, unknown>;
  /** COMPLETED (default) or COMPLETED_WITH_ERRORS (some items failed). */
  status?: 'COMPLETED' | 'COMPLETED_WITH_ERRORS';
}

export interface SettledTask {
  taskId: string;
  jobId: string;
  jobName: string;
  payload: unknown;
  status: 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED';
  error: string | null;
}

export type TaskSettledObserver = (repos: Repositories, task: SettledTask) => Promise<void>;

export type JobHandler<P> = (payload: P, context: JobContext) => Promise<JobOutcome | void>;

export interface HandlerOptions<P = unknown> {
  /**
   * Runs when the job is given up without its handler having settled it: the processes that ran it
   * died on every attempt (killed, out of memory), so no handler code saw the last failure. The
   * place to record the failure in the job's own domain (a batch chunk marked failed) so nothing
   * waits for it forever. Errors it throws are logged; the job is failed either way.
   */
  onExhausted?: (payload: P, error: string) => Promise<void>;
  /** Default attempts of jobs of this name (a run cut short by a dead process counts). */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
}

export interface JobQueue<C extends JobPayloads = JobCatalogue> {
  readonly mode: 'database' | 'redis';
  /** Whether this process runs handlers (start() begins consuming) or only enqueues (and relays). */
  readonly runsHandlers: boolean;
  register<N extends keyof C & string>(name: N, handler: JobHandler<C[N]>, options?: HandlerOptions<C[N]>): void;
  /** Enqueues in a transaction of its own. */
  enqueue<N extends keyof C & string>(request: EnqueueRequest<C, N>): Promise<EnqueueResult>;
  /**
   * The outbox: writes the job through the caller's unit-of-work repositories, so it commits (or
   * rolls back) with the state change that needs it:
   *   store.transaction(async (repos) => { ...mark the bucket deleting...; await jobs.enqueueIn(repos, {...}) })
   * It is picked up once committed (within the poll interval; sooner in this process).
   */
  enqueueIn<N extends keyof C & string>(repos: JobRepositories, request: EnqueueRequest<C, N>): Promise<EnqueueResult>;
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * Called in the transaction that settles a job's task for good (COMPLETED, COMPLETED_WITH_ERRORS,
   * FAILED), so what it writes (a task.completed event) commits with the task's new status. One
   * observer per queue; a later call replaces it.
   */
  onTaskSettled(observer: TaskSettledObserver): void;
  /** Cancels a job that has not finished (a running handler sees its signal abort); false otherwise. */
  cancel(id: string): Promise<boolean>;
  /**
   * Fails when a declared job name has no handler (naming it), then begins consuming (when this
   * process runs handlers) and relaying (Redis mode).
   */
  start(): Promise<void>;
  /** Stops claiming, waits for running handlers up to the shutdown timeout (then aborts them), releases connections. */
  close(): Promise<void>;
}

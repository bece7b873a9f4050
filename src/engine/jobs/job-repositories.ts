// The jobs table's port: the embedded queue's storage and, in Redis mode, the outbox the relay
// hands to BullMQ. Jobs are Tessera's own bookkeeping, addressed by their deterministic id; tenant
// data is reached only through the scope a handler rebuilds from the payload (scopeForJob).
export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What a lease renewal found. */
export type LeaseState = 'held' | 'canceled' | 'lost';

export interface JobRecord {
  id: string;
  name: string;
  payload: unknown;
  status: JobStatus;
  /** Runs started so far (a run cut short by a dead process counts). */
  attempts: number;
  maxAttempts: number;
  /** Not before this time (ISO): a delayed job, or a retry's backoff. */
  runAfter: string;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  /** 0-100. */
  progress: number;
  progressMessage: string | null;
  lastError: string | null;
  taskId: string | null;
  createdAt: string;
  updatedAt: string;
  dispatchedAt: string | null;
  finishedAt: string | null;
}

export interface NewJob {
  id: string;
  name: string;
  payload: unknown;
  maxAttempts: number;
  runAfter: string;
  taskId: string | null;
  now: string;
}

export interface ClaimRequest {
  /** Only jobs this process has handlers for. */
  names: readonly string[];
  owner: string;
  now: string;
  leaseExpiresAt: string;
}

/** What a run ended with, written only while the caller still holds the job's lease. */
export type JobSettlement =
  | { status: 'completed'; now: string }
  | { status: 'failed'; error: string; now: string }
  | { status: 'queued'; error: string; runAfter: string; now: string };

export interface JobRepository {
  /** Inserts the job unless one with its id exists; returns the stored one either way and whether it was new. */
  insertIfAbsent(job: NewJob): Promise<{ job: JobRecord; created: boolean }>;
  find(id: string): Promise<JobRecord | undefined>;
  /** Cheap read (no lock): is anything claimable? Lets an idle poller skip the write. */
  hasClaimable(names: readonly string[], now: string): Promise<boolean>;
  /**
   * Atomically takes one due job (queued and due, or running with an expired lease), marks it
   * running under `owner` with a new lease, and counts the attempt. Undefined when none is due.
   */
  claim(request: ClaimRequest): Promise<JobRecord | undefined>;
  /**
   * Extends the lease while `owner` holds it: 'held'. 'canceled' when the job was canceled meanwhile,
   * 'lost' when the lease is no longer the caller's (expired and taken over, or the job is gone).
   */
  renewLease(id: string, owner: string, leaseExpiresAt: string, now: string): Promise<LeaseState>;
  /** Marks a job running for a runner outside the lease scheme (BullMQ); false when it is finished or canceled. */
  markRunning(id: string, owner: string, attempts: number, leaseExpiresAt: string, now: string): Promise<boolean>;
  /** Writes progress while `owner` holds the job; false when it does not (any more). */
  setProgress(id: string, owner: string, progress: number, message: string | null, now: string): Promise<boolean>;
  /** Ends a run held by `owner`; false when the job was canceled or taken over meanwhile. */
  settle(id: string, owner: string, settlement: JobSettlement): Promise<boolean>;
  /** Cancels a job that has not finished; false when there is none or it already finished. */
  cancel(id: string, now: string): Promise<boolean>;
  /** Cancels every unfinished job linked to the task; returns their ids. */
  cancelForTask(taskId: string, now: string): Promise<string[]>;
  /** Outbox: queued jobs not yet handed to the external queue, oldest first. */
  listUndispatched(limit: number): Promise<JobRecord[]>;
  markDispatched(ids: readonly string[], now: string): Promise<void>;
  /** Outbox repair: unfinished jobs dispatched before `before` (re-added to BullMQ, which dedupes by id). */
  listStaleDispatched(before: string, limit: number): Promise<JobRecord[]>;
}

export interface JobRepositories {
  jobs: JobRepository;
}

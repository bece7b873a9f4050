// The scale-out queue (TESSERA_JOB_QUEUE=redis): job rows are still written to the metadata
// database first (the outbox, in the caller's transaction); a relay in every API and worker
// process hands committed rows to BullMQ (jobId derived from the row's deterministic id, so a relay
// repeated after a crash adds nothing) and marks them dispatched. BullMQ workers run the same
// handlers through runJob, which writes progress and outcomes back to the rows and their tasks;
// BullMQ owns retries (attempts, our backoff as a custom strategy) and re-runs stalled jobs (a
// worker killed mid-run) after its stalled-check interval.
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { JobPayloads } from '../../engine/jobs/job-catalogue.ts';
import type { JobRecord } from '../../engine/jobs/job-repositories.ts';
import { runJob } from '../../engine/jobs/job-runner.ts';
import { retryDelayMs, DEFAULT_BACKOFF } from '../../engine/jobs/backoff.ts';
import type { Clock } from '../../engine/ports/clock.ts';
import type { MetadataStore } from '../../engine/ports/metadata-store.ts';
import { randomToken } from '../../lib/ids.ts';
import { BaseJobQueue, Wakeup, type QueueLog, type QueueSettings } from './base-job-queue.ts';

export interface BullMqSettings {
  url: string;
  /** BullMQ's key prefix (deployments and tests sharing a Redis use different ones). */
  prefix: string;
  connectTimeoutMs: number;
  /** Relay the outbox to Redis from this process (API and worker: yes; the CLI: no). */
  relay: boolean;
}

const QUEUE_NAME = 'jobs';
const RELAY_BATCH = 100;
const BACKOFF_TYPE = 'tessera';

/** BullMQ refuses ':' in custom ids: escape it (and the escape character), reversibly. */
export function bullJobId(id: string): string {
  return id.replaceAll('%', '%25').replaceAll(':', '%3A');
}

export class BullMqJobQueue<C extends JobPayloads> extends BaseJobQueue<C> {
  readonly mode = 'redis' as const;
  private readonly wakeup = new Wakeup();
  private queue: Queue | null = null;
  private worker: Worker | null = null;
  private relayLoop: Promise<void> | null = null;
  private readonly stop = new AbortController();
  private stopping = false;
  private closed: Promise<void> | null = null;
  private lastRepair = 0;

  constructor(
    store: MetadataStore,
    declared: readonly (keyof C & string)[],
    settings: QueueSettings,
    clock: Clock,
    log: QueueLog,
    private readonly redis: BullMqSettings,
  ) {
    super(store, declared, settings, clock, log);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.registry.assertComplete();
    this.started = true;
    if (this.redis.relay) {
      this.queue = new Queue(QUEUE_NAME, { connection: this.connection(), prefix: this.redis.prefix });
      this.queue.on('error', (err) => this.log.warn({ err }, 'job queue (Redis) error'));
      this.relayLoop = this.relayForever();
    }
    if (this.settings.runHandlers) {
      this.worker = new Worker(QUEUE_NAME, (job, token) => this.process(job, token), {
        connection: this.connection(),
        prefix: this.redis.prefix,
        concurrency: this.settings.concurrency,
        // The lock is the lease: renewed at half its duration while the handler runs; a killed
        // worker's job is found stalled at the next check and run again.
        lockDuration: this.settings.leaseMs,
        stalledInterval: this.settings.leaseMs,
        // BullMQ never gives a stalled job up by itself (it would fail it without a handler seeing
        // it, leaving the row running): stalled runs count as attempts (attemptsStarted), and runJob
        // gives the job up past its maxAttempts, running its onExhausted hook, as the embedded queue does.
        maxStalledCount: 1_000_000,
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: { name: string }) =>
            retryDelayMs(attemptsMade, (job && this.registry.get(job.name)?.backoff) ?? DEFAULT_BACKOFF),
        },
      });
      this.worker.on('error', (err) => this.log.warn({ err }, 'job worker (Redis) error'));
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopping = true;
      this.wakeup.notify();
      // A frozen Redis can hold a relay call indefinitely (BullMQ's connections have no command
      // timeout): shutdown does not wait for it past the grace period.
      await Promise.race([this.relayLoop, new Promise((resolve) => setTimeout(resolve, this.settings.shutdownTimeoutMs).unref())]);
      if (this.worker) {
        // Stop taking jobs; running ones get the grace period, then their signals abort.
        const closing = this.worker.close();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), this.settings.shutdownTimeoutMs);
        });
        const result = await Promise.race([closing.then(() => 'done' as const), timeout]);
        clearTimeout(timer);
        if (result === 'timeout') {
          this.log.warn({}, 'jobs still running at shutdown: aborting them; BullMQ runs them again once they are found stalled');
          this.stop.abort();
          await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
          await this.worker.close(true).catch(() => {});
        }
      }
      await this.queue?.close();
    })();
    return this.closed;
  }

  protected committed(): void {
    this.wakeup.notify();
  }

  private connection() {
    // BullMQ needs maxRetriesPerRequest: null (its blocking commands wait indefinitely).
    return { url: this.redis.url, maxRetriesPerRequest: null, connectTimeout: this.redis.connectTimeoutMs };
  }

  private async process(bullJob: Job, token: string | undefined): Promise<void> {
    const id = (bullJob.data as { job_id?: string }).job_id;
    if (!id) return;
    const row = await this.store.jobs.find(id);
    // Canceled (or finished) while it waited in Redis: nothing to run.
    if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
    const registered = this.registry.get(row.name);
    if (!registered) throw new UnrecoverableError(`no handler for job '${row.name}' in this process`);
    const owner = `${this.processToken}:${token ?? randomToken(6)}`;
    // A run cut short by a dead worker counts, as in the embedded queue (attemptsStarted includes stalled runs).
    const attempt = Math.max(bullJob.attemptsMade + 1, bullJob.attemptsStarted ?? 0);
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.settings.leaseMs).toISOString();
    if (!(await this.store.jobs.markRunning(id, owner, attempt, leaseUntil, now.toISOString()))) return;
    const job: JobRecord = { ...row, status: 'running', attempts: attempt, maxAttempts: bullJob.opts.attempts ?? row.maxAttempts, leaseOwner: owner };
    const result = await runJob(job, registered, {
      store: this.store,
      clock: this.clock,
      owner,
      leaseMs: this.settings.leaseMs,
      stopSignal: this.stop.signal,
      onTaskSettled: this.taskSettled,
      onBackgroundError: (err) => this.log.warn({ err, job_id: id }, 'renewing a job lease failed'),
    });
    const fields = { job_id: id, job_name: row.name, attempt };
    if (result.outcome === 'retry') {
      this.log.warn({ ...fields, error: result.error }, 'job failed; will retry');
      // BullMQ schedules the retry (attempts and the backoff strategy above).
      throw new Error(result.error);
    }
    if (result.outcome === 'failed') {
      this.log.error({ ...fields, error: result.error }, 'job failed');
      throw new UnrecoverableError(result.error);
    }
  }

  private async relayForever(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.relayOnce();
        await this.repair();
      } catch (err) {
        // Redis or the database is down: rows stay undispatched and are relayed when both answer.
        this.log.warn({ err }, 'relaying jobs to Redis failed; retrying at the next poll');
      }
      if (this.stopping) break;
      await this.wakeup.wait(this.settings.pollIntervalMs);
    }
  }

  /** Hands committed, undispatched rows to BullMQ, then marks them dispatched. */
  private async relayOnce(): Promise<void> {
    for (;;) {
      const rows = await this.store.jobs.listUndispatched(RELAY_BATCH);
      if (rows.length === 0) return;
      await this.queue!.addBulk(rows.map((row) => ({ name: row.name, data: { job_id: row.id }, opts: this.jobOptions(row) })));
      await this.store.jobs.markDispatched(
        rows.map((r) => r.id),
        this.clock.now().toISOString(),
      );
      if (rows.length < RELAY_BATCH) return;
    }
  }

  /**
   * Rows dispatched long ago that never finished and show no heartbeat: Redis may have lost them
   * (a restart without persistence). Adding them again is harmless: BullMQ ignores an id it holds.
   */
  private async repair(): Promise<void> {
    const interval = Math.max(this.settings.leaseMs * 4, 60_000);
    const now = this.clock.now().getTime();
    if (now - this.lastRepair < interval) return;
    this.lastRepair = now;
    const rows = await this.store.jobs.listStaleDispatched(new Date(now - interval).toISOString(), RELAY_BATCH);
    if (rows.length === 0) return;
    await this.queue!.addBulk(rows.map((row) => ({ name: row.name, data: { job_id: row.id }, opts: this.jobOptions(row) })));
  }

  private jobOptions(row: JobRecord): JobsOptions {
    return {
      jobId: bullJobId(row.id),
      attempts: row.maxAttempts,
      backoff: { type: BACKOFF_TYPE },
      delay: Math.max(0, Date.parse(row.runAfter) - this.clock.now().getTime()),
      // Kept a while for inspection; the database row is the record.
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 24 * 3600 },
    };
  }
}

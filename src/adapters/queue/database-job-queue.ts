// The embedded queue (TESSERA_JOB_QUEUE=database, the default): jobs are rows of the metadata
// database, and a pool in each process that runs handlers claims due rows atomically (one UPDATE;
// PostgreSQL adds FOR UPDATE SKIP LOCKED), runs at most `concurrency` at a time, and keeps each
// claimed row's lease alive. A process that dies leaves a running row whose lease expires; the
// next claim (here or in another process) runs it again.
import type { JobPayloads } from '../../engine/jobs/job-catalogue.ts';
import type { JobRecord } from '../../engine/jobs/job-repositories.ts';
import { runJob } from '../../engine/jobs/job-runner.ts';
import { randomToken } from '../../lib/ids.ts';
import { BaseJobQueue, Wakeup } from './base-job-queue.ts';

export class DatabaseJobQueue<C extends JobPayloads> extends BaseJobQueue<C> {
  readonly mode = 'database' as const;
  private readonly wakeup = new Wakeup();
  private readonly running = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private closed: Promise<void> | null = null;

  async start(): Promise<void> {
    if (this.started) return;
    this.registry.assertComplete();
    this.started = true;
    if (this.settings.runHandlers) this.loop = this.consume();
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopping = true;
      this.wakeup.notify();
      await this.loop;
      await this.drain();
    })();
    return this.closed;
  }

  /** In-flight handlers: how many this process runs now (tests check the bound). */
  get activeCount(): number {
    return this.running.size;
  }

  protected committed(): void {
    this.wakeup.notify();
  }

  private async consume(): Promise<void> {
    const names = this.registry.names;
    while (!this.stopping) {
      try {
        while (!this.stopping && this.running.size < this.settings.concurrency) {
          const now = this.clock.now();
          // A read first: an idle poll never takes the write lock.
          if (!(await this.store.jobs.hasClaimable(names, now.toISOString()))) break;
          const owner = `${this.processToken}:${randomToken(6)}`;
          const job = await this.store.jobs.claim({ names, owner, now: now.toISOString(), leaseExpiresAt: new Date(now.getTime() + this.settings.leaseMs).toISOString() });
          if (!job) break;
          this.launch(job, owner);
        }
      } catch (err) {
        // The database is down or busy: keep polling; claimed rows stay leased and come back.
        this.log.warn({ err }, 'claiming jobs failed; retrying at the next poll');
      }
      if (this.stopping) break;
      await this.wakeup.wait(this.settings.pollIntervalMs);
    }
  }

  private launch(job: JobRecord, owner: string): void {
    const registered = this.registry.get(job.name)!;
    const run = (async () => {
      try {
        const result = await runJob(job, registered, {
          store: this.store,
          clock: this.clock,
          owner,
          leaseMs: this.settings.leaseMs,
          stopSignal: this.stop.signal,
          onTaskSettled: this.taskSettled,
          onBackgroundError: (err) => this.log.warn({ err, job_id: job.id }, 'renewing a job lease failed'),
        });
        const fields = { job_id: job.id, job_name: job.name, attempt: job.attempts };
        if (result.outcome === 'failed') this.log.error({ ...fields, error: result.error }, 'job failed');
        else if (result.outcome === 'retry') this.log.warn({ ...fields, error: result.error, retry_in_ms: result.delayMs }, 'job failed; will retry');
        else if (result.outcome === 'lost') this.log.warn(fields, 'job lease lost: another process runs it');
      } catch (err) {
        // Writing the outcome failed (database down): the lease expires and the job runs again.
        this.log.error({ err, job_id: job.id }, 'recording a job outcome failed; it will run again after its lease expires');
      }
    })();
    this.running.add(run);
    void run.finally(() => {
      this.running.delete(run);
      // A slot is free: look for more work now.
      this.wakeup.notify();
    });
  }

  /** Waits for running handlers up to the shutdown timeout, then aborts them. */
  private async drain(): Promise<void> {
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.settings.shutdownTimeoutMs);
    });
    const finished = await Promise.race([Promise.all(this.running).then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (finished === 'timeout') {
      this.log.warn({ running: this.running.size }, 'jobs still running at shutdown: aborting them; they run again after their lease expires');
      this.stop.abort();
      // Handlers that honour the signal end quickly; the rest are left to the lease.
      await Promise.race([Promise.all(this.running), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    }
  }
}

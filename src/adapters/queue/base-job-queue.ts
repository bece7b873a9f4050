// What both queues share: the handler registry, the outbox writes (enqueue, enqueueIn), reads and
// cancellation. They differ in who runs a committed row: the in-process pool, or BullMQ after the relay.
import os from 'node:os';
import type { JobPayloads } from '../../engine/jobs/job-catalogue.ts';
import { DEFAULT_MAX_ATTEMPTS, JobRegistry } from '../../engine/jobs/job-registry.ts';
import type { JobRecord, JobRepositories } from '../../engine/jobs/job-repositories.ts';
import type { Clock } from '../../engine/ports/clock.ts';
import type { EnqueueRequest, EnqueueResult, HandlerOptions, JobHandler, JobQueue, TaskSettledObserver } from '../../engine/ports/job-queue.ts';
import type { MetadataStore } from '../../engine/ports/metadata-store.ts';
import { randomToken } from '../../lib/ids.ts';

export interface QueueLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface QueueSettings {
  /** Handlers running at once in this process. */
  concurrency: number;
  /** How often an idle process looks for due jobs (its own enqueues wake it at once). */
  pollIntervalMs: number;
  /** A running job's lease: another process re-runs it this long after its process died. */
  leaseMs: number;
  /** close() waits this long for running handlers, then aborts their signals. */
  shutdownTimeoutMs: number;
  /** Run handlers here; false: only enqueue (and, in Redis mode, relay). */
  runHandlers: boolean;
}

export abstract class BaseJobQueue<C extends JobPayloads> implements JobQueue<C> {
  abstract readonly mode: 'database' | 'redis';
  protected readonly registry: JobRegistry<C>;
  /** Lease owners of this process start with it: `host:pid:random`. */
  protected readonly processToken = `${os.hostname()}:${process.pid}:${randomToken(6)}`;
  protected started = false;
  /** See JobQueue.onTaskSettled; passed to every runJob. */
  protected taskSettled: TaskSettledObserver | null = null;

  onTaskSettled(observer: TaskSettledObserver): void {
    this.taskSettled = observer;
  }

  constructor(
    protected readonly store: MetadataStore,
    declared: readonly (keyof C & string)[],
    protected readonly settings: QueueSettings,
    protected readonly clock: Clock,
    protected readonly log: QueueLog,
  ) {
    this.registry = new JobRegistry<C>(declared);
  }

  get runsHandlers(): boolean {
    return this.settings.runHandlers;
  }

  register<N extends keyof C & string>(name: N, handler: JobHandler<C[N]>, options?: HandlerOptions<C[N]>): void {
    if (this.started) throw new Error(`Job '${name}': handlers are registered before the queue starts`);
    this.registry.register(name, handler, options);
  }

  async enqueue<N extends keyof C & string>(request: EnqueueRequest<C, N>): Promise<EnqueueResult> {
    const result = await this.store.transaction((repos) => this.write(repos, request));
    if (result.created) this.committed();
    return result;
  }

  async enqueueIn<N extends keyof C & string>(repos: JobRepositories, request: EnqueueRequest<C, N>): Promise<EnqueueResult> {
    const result = await this.write(repos, request);
    // The caller's transaction commits after this returns: look a few times over the next moments
    // (the poll catches anything later).
    if (result.created) this.soon();
    return result;
  }

  get(id: string): Promise<JobRecord | undefined> {
    return this.store.jobs.find(id);
  }

  cancel(id: string): Promise<boolean> {
    return this.store.jobs.cancel(id, this.clock.now().toISOString());
  }

  abstract start(): Promise<void>;
  abstract close(): Promise<void>;

  /** A job committed in this process: consume or relay it now. */
  protected abstract committed(): void;

  private soon(): void {
    for (const ms of [5, 50, 250]) setTimeout(() => this.committed(), ms).unref();
  }

  private write<N extends keyof C & string>(repos: JobRepositories, request: EnqueueRequest<C, N>): Promise<EnqueueResult> {
    // BullMQ refuses integer ids; both queues refuse them so a job moves between them unchanged.
    if (!request.id || request.id.length > 255 || /^\d+$/.test(request.id)) throw new Error(`Job id '${request.id}': expected 1 to 255 characters, not only digits`);
    const now = this.clock.now();
    return repos.jobs.insertIfAbsent({
      id: request.id,
      name: request.name,
      payload: request.payload,
      maxAttempts: request.maxAttempts ?? this.registry.get(request.name)?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      runAfter: new Date(now.getTime() + (request.delayMs ?? 0)).toISOString(),
      taskId: request.taskId ?? null,
      now: now.toISOString(),
    });
  }
}

/** A wait that ends early when notified: the pool sleeps on it between polls. */
export class Wakeup {
  private wake: (() => void) | null = null;
  private pending = false;

  notify(): void {
    if (this.wake) this.wake();
    else this.pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }
}

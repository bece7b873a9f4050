// What a shared counter does when Redis stops answering. A circuit breaker: the first operation
// that fails (at once when the connection is gone) or a stall (commands waiting and no reply at all
// for the command timeout) marks Redis lost; from then on no request waits for Redis at all. Fail-open counts in a
// fresh per-process window meanwhile, fail-closed refuses with 503. A probe (PING) every second,
// and at once when the client reconnects, marks it reachable again, and shared counting resumes.
// The transitions are logged once each (warn when lost, info when back), never once per request.
import { ServiceUnavailableError } from '../../engine/errors.ts';
import type { Budget, NestedHit, RateLimitCounter, WindowHit } from '../../engine/ports/rate-limit-counter.ts';
import type { FlexibleCounter } from './flexible-counter.ts';
import { MemoryWindowCounter } from './memory-counter.ts';

export type FailureMode = 'open' | 'closed';

/** The part of a pino/Fastify logger the counter needs. */
export interface StatusLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface ResilienceOptions {
  failureMode: FailureMode;
  /** Commands waiting with no reply from Redis for this long mean Redis stopped answering. */
  commandTimeoutMs: number;
  log: StatusLog;
  /** How often a lost Redis is probed. */
  probeIntervalMs: number;
  /** Where Redis is (host:port), for the log lines. */
  address: string;
}

/** What fail-closed tells clients: about when a probe may have found Redis again. */
const RETRY_AFTER_SECONDS = 5;

/** What a watched call resolves to when the watchdog gave up waiting for Redis. */
const ABANDONED: unique symbol = Symbol('abandoned: Redis did not answer in time');

export class ResilientCounter implements RateLimitCounter {
  readonly location = 'redis' as const;
  readonly required: boolean;
  readonly windowSeconds: number;
  /** Non-null exactly while Redis is lost and the mode is fail-open. */
  private fallback: MemoryWindowCounter | null = null;
  private lost = false;
  private probeTimer: NodeJS.Timeout | null = null;
  private probing = false;
  private closed = false;
  /**
   * Calls waiting on Redis, each with the function that abandons it. One watchdog timer checks
   * them all: ioredis's own commandTimeout arms a timer per command, which cost ~8 µs of CPU per
   * request (bench/limits.ts) on the hottest path there is.
   */
  private readonly waiting = new Set<() => void>();
  /** When Redis last replied to anything, or when the first of the waiting calls was sent. */
  private progressAt = 0;
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly shared: FlexibleCounter,
    private readonly options: ResilienceOptions,
    private readonly onClose: () => void,
  ) {
    this.windowSeconds = shared.windowSeconds;
    this.required = options.failureMode === 'closed';
    this.watchdog = setInterval(() => this.abandonIfStalled(), Math.max(5, Math.floor(options.commandTimeoutMs / 4)));
    this.watchdog.unref();
  }

  hit(key: string): WindowHit | Promise<WindowHit> {
    return this.viaRedis(
      () => this.shared.hit(key),
      () => this.local().hit(key),
    );
  }

  hitNested(inner: Budget, outer: Budget): NestedHit | Promise<NestedHit> {
    return this.viaRedis(
      () => this.shared.hitNested(inner, outer),
      () => this.local().hitNested(inner, outer),
    );
  }

  peek(key: string): WindowHit | Promise<WindowHit> {
    return this.viaRedis(
      () => this.shared.peek(key),
      () => this.local().peek(key),
    );
  }

  /** Redis while it answers; the fallback (or the fail-closed refusal) once it fails or stalls. */
  private viaRedis<T>(remote: () => Promise<T>, local: () => T): T | Promise<T> {
    if (this.lost) return local();
    return this.watched(remote()).then(
      (value) => (value === ABANDONED ? local() : value),
      (err: unknown) => {
        this.markLost(err);
        return local();
      },
    );
  }

  /**
   * The call's result, or ABANDONED once Redis has stalled. Redis answers in order on one
   * connection, so any reply proves it alive; only "calls waiting and no reply for the whole
   * command timeout" means it stopped answering. An abandoned command is left to ioredis: it
   * completes (unused) when Redis thaws, or fails when the connection drops.
   */
  private watched<T>(call: Promise<T>): Promise<T | typeof ABANDONED> {
    return new Promise<T | typeof ABANDONED>((resolve, reject) => {
      const abandon = () => resolve(ABANDONED);
      if (this.waiting.size === 0) this.progressAt = Date.now();
      this.waiting.add(abandon);
      call.then(
        (value) => {
          this.waiting.delete(abandon);
          this.progressAt = Date.now();
          resolve(value);
        },
        (err: unknown) => {
          this.waiting.delete(abandon);
          reject(err);
        },
      );
    });
  }

  private abandonIfStalled(): void {
    if (this.waiting.size === 0 || Date.now() - this.progressAt < this.options.commandTimeoutMs) return;
    this.markLost(new Error(`no reply within ${this.options.commandTimeoutMs} ms`));
    const abandoned = [...this.waiting];
    this.waiting.clear();
    for (const abandon of abandoned) abandon();
  }

  /** A health check is a probe too: it can find Redis lost before any request does, or back. */
  async probe(): Promise<void> {
    try {
      await this.ping();
    } catch (err) {
      this.markLost(err);
      throw err;
    }
    this.markReachable();
  }

  /** A PING bounded like every other call: it rejects when the watchdog abandons it. */
  private async ping(): Promise<void> {
    if ((await this.watched(this.shared.probe())) === ABANDONED) throw new Error(`no reply within ${this.options.commandTimeoutMs} ms`);
  }

  /** Redis did not answer (or start-up found it down): switch to the fallback, once. */
  markLost(cause: unknown): void {
    if (this.lost || this.closed) return;
    this.lost = true;
    if (this.options.failureMode === 'open') this.fallback = new MemoryWindowCounter(this.windowSeconds);
    this.options.log.warn(
      { component: 'redis', redis: this.options.address, failure_mode: this.options.failureMode, err: describe(cause) },
      this.options.failureMode === 'open'
        ? 'Redis is unreachable: rate limits are counted per process until it answers again'
        : 'Redis is unreachable: rate-limited requests are refused (503) until it answers again',
    );
    this.probeTimer = setInterval(() => this.recheck(), this.options.probeIntervalMs);
    this.probeTimer.unref();
  }

  /** Probes a lost Redis now (also called when the client has just reconnected). */
  recheck(): void {
    if (!this.lost || this.probing || this.closed) return;
    this.probing = true;
    this.ping().then(
      () => {
        this.probing = false;
        this.markReachable();
      },
      () => {
        this.probing = false;
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    this.stopProbing();
    await this.fallback?.close();
    this.onClose();
  }

  private markReachable(): void {
    if (!this.lost || this.closed) return;
    this.lost = false;
    this.stopProbing();
    // Per-process counts of the outage are dropped: Redis's own counts (kept, or empty after a
    // restart) are the budget again, the same for every process.
    void this.fallback?.close();
    this.fallback = null;
    this.options.log.info({ component: 'redis', redis: this.options.address }, 'Redis is reachable again: rate limits are shared across processes again');
  }

  private stopProbing(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  /** The per-process fallback, or the fail-closed refusal. */
  private local(): MemoryWindowCounter {
    if (this.fallback) return this.fallback;
    throw new ServiceUnavailableError('Rate limiting is temporarily unavailable; retry shortly', RETRY_AFTER_SECONDS, null, 'rate_limiter_unavailable');
  }
}

/** The driver's message for the log (never for a response). */
function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

// Per-request accounting off the hot path: requests are counted in memory and written in batches
// (one upsert per key, endpoint and hour) every flush interval and on close, so a clean shutdown
// loses nothing and a request never waits for a usage write.
import type { RequestCount, RequestUsageRepository } from './usage-repositories.ts';

/** One answered request: who, which operation, and whether it failed. */
export interface RequestEvent extends Pick<RequestCount, 'organizationInternalId' | 'keyId' | 'operationId' | 'method' | 'route' | 'category'> {
  failed: boolean;
  at: Date;
}

const HOUR_MS = 3_600_000;

/** Counts in memory: times as epoch milliseconds, turned into ISO strings only when written. */
interface PendingCount extends Omit<RequestCount, 'hour' | 'lastRequestAt'> {
  hourMs: number;
  lastRequestMs: number;
}

export class RequestUsageRecorder {
  private pending = new Map<string, PendingCount>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: RequestUsageRepository,
    private readonly flushIntervalMs = 1000,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Called once per request: a map update, no I/O and no date formatting. */
  record(event: RequestEvent): void {
    const atMs = event.at.getTime();
    const hourMs = atMs - (atMs % HOUR_MS);
    const id = `${event.keyId}\u0000${event.operationId}\u0000${hourMs}`;
    const count = this.pending.get(id);
    if (count) {
      count.requests += 1;
      if (event.failed) count.errors += 1;
      if (atMs > count.lastRequestMs) count.lastRequestMs = atMs;
      return;
    }
    this.pending.set(id, {
      organizationInternalId: event.organizationInternalId,
      keyId: event.keyId,
      operationId: event.operationId,
      method: event.method,
      route: event.route,
      category: event.category,
      hourMs,
      requests: 1,
      errors: event.failed ? 1 : 0,
      lastRequestMs: atMs,
    });
  }

  /** Writes what is pending. Flushes never overlap; a failed batch is merged back for the next one. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      try {
        await this.repository.add(batch.map(toRequestCount));
      } catch (err) {
        for (const count of batch) this.mergeBack(count);
        this.onError(err);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private mergeBack(count: PendingCount): void {
    const id = `${count.keyId}\u0000${count.operationId}\u0000${count.hourMs}`;
    const existing = this.pending.get(id);
    if (!existing) {
      this.pending.set(id, count);
      return;
    }
    existing.requests += count.requests;
    existing.errors += count.errors;
    if (count.lastRequestMs > existing.lastRequestMs) existing.lastRequestMs = count.lastRequestMs;
  }
}

function toRequestCount({ hourMs, lastRequestMs, ...rest }: PendingCount): RequestCount {
  return { ...rest, hour: new Date(hourMs).toISOString(), lastRequestAt: new Date(lastRequestMs).toISOString() };
}

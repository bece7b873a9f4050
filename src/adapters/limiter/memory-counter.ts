// The embedded counter: fixed windows in a Map. Hand-written because rate-limiter-flexible's memory
// store answers through a promise, and one promise per request was measurable (bench/limits.ts);
// the shared (Redis) counter stays on rate-limiter-flexible. Also the fail-open fallback of the
// shared counter while Redis is unreachable.
import type { Budget, NestedHit, RateLimitCounter, WindowHit } from '../../engine/ports/rate-limit-counter.ts';

interface Window {
  count: number;
  resetAt: number;
}

export class MemoryWindowCounter implements RateLimitCounter {
  readonly location = 'in-process' as const;
  readonly required = false;
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(readonly windowSeconds: number) {
    this.windowMs = windowSeconds * 1000;
    // Ended windows are dropped once per window, so idle keys do not accumulate.
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    }, this.windowMs);
    this.sweeper.unref();
  }

  hit(key: string): WindowHit {
    const now = Date.now();
    let window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetMs: window.resetAt - now };
  }

  /** Atomic by construction: nothing else runs between the two hits. */
  hitNested(inner: Budget, outer: Budget): NestedHit {
    const innerHit = this.hit(inner.key);
    if (innerHit.count > inner.limit) return { inner: innerHit, outer: null };
    const outerHit = this.hit(outer.key);
    if (outerHit.count <= outer.limit) return { inner: innerHit, outer: outerHit };
    // Both hits were made just now, so the inner window is still open.
    this.windows.get(inner.key)!.count -= 1;
    return { inner: { count: innerHit.count - 1, resetMs: innerHit.resetMs }, outer: outerHit };
  }

  peek(key: string): WindowHit {
    const now = Date.now();
    const window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) return { count: 0, resetMs: this.windowMs };
    return { count: window.count, resetMs: window.resetAt - now };
  }

  async probe(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}

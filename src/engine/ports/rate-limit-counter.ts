/**
 * A fixed one-window request counter shared by every API process that uses the same store.
 * Limits are applied by the caller on the returned count, so a changed limit takes effect on the
 * next request without rebuilding anything.
 *
 * In-process counters answer synchronously (no promise on the hot path); shared ones asynchronously.
 * A shared counter whose store does not answer either counts in the process meanwhile (fail-open)
 * or throws ServiceUnavailableError (fail-closed); it never waits longer than its command timeout.
 */
export interface RateLimitCounter {
  /** Counts one request for key in the current window and returns the window's count so far. */
  hit(key: string): WindowHit | Promise<WindowHit>;
  /**
   * Counts one request against two nested budgets, atomically: the inner one (a key's own) first;
   * only when it admits the request, the outer one (its organization's), and when the outer refuses,
   * the inner hit is taken back. So a request counts only against budgets that admitted it, and
   * concurrent requests never see each other's transient counts.
   */
  hitNested(inner: Budget, outer: Budget): NestedHit | Promise<NestedHit>;
  /** The current window's count without counting (0 when no window is open). */
  peek(key: string): WindowHit | Promise<WindowHit>;
  readonly windowSeconds: number;
  /** Where the counts are kept: `redis` (shared by every process) or `in-process`. */
  readonly location: CounterLocation;
  /** Requests are refused (503) while the store is unreachable, so health must report it as required. */
  readonly required: boolean;
  /** Resolves when the store answers now; rejects otherwise. Bounded by the store's command timeout. */
  probe(): Promise<void>;
  close(): Promise<void>;
}

export type CounterLocation = 'redis' | 'in-process';

export interface Budget {
  key: string;
  limit: number;
}

export interface NestedHit {
  /** The inner window after this request (its hit already taken back when the outer refused). */
  inner: WindowHit;
  /** The outer window after this request; null when the inner refused it and the outer was not counted. */
  outer: WindowHit | null;
}

export interface WindowHit {
  count: number;
  resetMs: number;
}

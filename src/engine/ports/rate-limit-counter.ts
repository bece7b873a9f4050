/**
 * A fixed one-window request counter shared by every API process that uses the same store.
 * Limits are applied by the caller on the returned count, so a changed limit takes effect on the
 * next request without rebuilding anything.
 */
export interface RateLimitCounter {
  /**
   * Counts one request for key in the current window and returns the window's count so far.
   * In-process counters answer synchronously (no promise on the hot path); shared ones asynchronously.
   */
  hit(key: string): WindowHit | Promise<WindowHit>;
  readonly windowSeconds: number;
  close(): Promise<void>;
}

export interface WindowHit {
  count: number;
  resetMs: number;
}

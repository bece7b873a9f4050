// Retry delays: exponential, capped, with jitter so jobs that failed together (a dependency that
// was down) do not all retry in the same instant. Both queues use this one function (BullMQ as a
// custom backoff strategy).

export interface BackoffPolicy {
  /** Delay before the second attempt, before jitter. */
  baseMs: number;
  /** No delay exceeds this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000 };

/**
 * Delay after the given attempt (1 = the first run failed): base·2^(attempt-1), capped, then
 * "equal jitter": between half and all of it, never less than half (retries stay spaced out).
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

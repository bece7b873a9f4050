// Failed authentications per client address, counted in the rate-limit counter (in-process or
// Redis, so every API process sees one address's failures). An address over the limit is refused
// before its presented key is looked up: otherwise a guesser would still learn which guess hit.
import { TesseraError } from '../errors.ts';
import type { RateLimitCounter } from '../ports/rate-limit-counter.ts';
import { thenMaybe, type MaybePromise } from '../../lib/maybe-promise.ts';

/** The 429 of a locked-out address; same type as every rate limit, its own category. */
export class AuthenticationThrottledError extends TesseraError {
  constructor(
    readonly limit: number,
    override readonly retryAfterSeconds: number,
  ) {
    super(429, 'TooManyRequestsError', `Too many failed authentications from this address (limit ${limit} per minute)`, {
      category: 'authentication',
      limit,
      window: '1m',
      retry_after: retryAfterSeconds,
    });
  }
}

export class AuthFailureThrottle {
  constructor(
    private readonly counter: RateLimitCounter,
    /** Failures per window an address may have; the next request is refused. */
    readonly limit: number,
  ) {}

  /** Throws AuthenticationThrottledError when the address has used up its failures in this window. */
  check(address: string): MaybePromise<void> {
    return thenMaybe(this.counter.peek(keyOf(address)), (window) => {
      if (window.count >= this.limit) throw new AuthenticationThrottledError(this.limit, Math.max(1, Math.ceil(window.resetMs / 1000)));
    });
  }

  recordFailure(address: string): MaybePromise<void> {
    return thenMaybe(this.counter.hit(keyOf(address)), () => undefined);
  }
}

function keyOf(address: string): string {
  return `authfail:${address}`;
}

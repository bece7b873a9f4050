// Which budgets a request counts against: its organization's per-category limit (live from the
// organization row, so a PATCH applies to the next request) and, when the key has a
// rate_limit_override, the key's own tighter budget in that category.
import type { Principal, RateLimitCategory } from '../accounts/types.ts';
import type { RateLimitCounter, WindowHit } from '../ports/rate-limit-counter.ts';
import { thenMaybe, type MaybePromise } from '../../lib/maybe-promise.ts';

export interface RateLimitDecision {
  allowed: boolean;
  category: RateLimitCategory;
  limit: number;
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
  windowSeconds: number;
}

export class RateLimitPolicy {
  constructor(private readonly counter: RateLimitCounter) {}

  get windowSeconds(): number {
    return this.counter.windowSeconds;
  }

  /** Synchronous with the in-process counter, a promise with the shared (Redis) one. */
  check(principal: Principal, category: RateLimitCategory): MaybePromise<RateLimitDecision> {
    const orgLimit = principal.organization.rateLimits[category];
    return thenMaybe(this.counter.hit(`org:${principal.organization.organizationId}:${category}`), (org) => {
      const decision = this.decide(category, orgLimit, org);
      const override = principal.apiKey.rateLimitOverride;
      if (!decision.allowed || override === null) return decision;
      const limit = Math.min(override, orgLimit);
      return thenMaybe(this.counter.hit(`key:${principal.apiKey.keyId}:${category}`), (key) => {
        const keyDecision = this.decide(category, limit, key);
        return !keyDecision.allowed || keyDecision.remaining < decision.remaining ? keyDecision : decision;
      });
    });
  }

  private decide(category: RateLimitCategory, limit: number, hit: WindowHit): RateLimitDecision {
    return {
      allowed: hit.count <= limit,
      category,
      limit,
      remaining: Math.max(0, limit - hit.count),
      resetMs: hit.resetMs,
      windowSeconds: this.counter.windowSeconds,
    };
  }
}

// Which budgets a request counts against: its organization's per-category limit (live from the
// organization row, so a PATCH applies to the next request) and, when the key has a
// rate_limit_override, the key's own tighter budget in that category.
import type { RateLimitCategory } from '../accounts/types.ts';
import type { CallerScope } from '../scope/request-scope.ts';
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

  /**
   * Synchronous with the in-process counter, a promise with the shared (Redis) one.
   *
   * A request counts only against the budgets that admitted it: with a rate_limit_override, the
   * key's own budget is counted first and, when it refuses, the organization's is not touched (one
   * throttled key cannot lock the organization's other keys out); when the organization refuses,
   * the key's hit is taken back. Both in one atomic counter operation: done as two hits and a
   * refund, a concurrent burst on Redis landed all the key's hits before the organization's
   * refusals gave any back, so the key refused (and kept) hits that only the organization refused.
   */
  check(scope: CallerScope, category: RateLimitCategory): MaybePromise<RateLimitDecision> {
    const orgLimit = scope.organization.rateLimits[category];
    const orgKey = `org:${scope.organization.organizationId}:${category}`;
    const override = scope.actor.apiKey.rateLimitOverride;
    if (override === null) return thenMaybe(this.counter.hit(orgKey), (org) => this.decide(category, orgLimit, org));
    const keyLimit = Math.min(override, orgLimit);
    const nested = this.counter.hitNested({ key: `key:${scope.actor.apiKey.keyId}:${category}`, limit: keyLimit }, { key: orgKey, limit: orgLimit });
    return thenMaybe(nested, ({ inner, outer }) => {
      const keyDecision = this.decide(category, keyLimit, inner);
      if (outer === null) return keyDecision;
      const decision = this.decide(category, orgLimit, outer);
      if (!decision.allowed) return decision;
      return keyDecision.remaining < decision.remaining ? keyDecision : decision;
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

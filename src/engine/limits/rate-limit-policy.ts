// Which budgets a request counts against: its organization's per-category limit (live from the
// organization row, so a PATCH applies to the next request) and, when the key has a
// rate_limit_override, the key's own tighter budget in that category.
import type { Principal, RateLimitCategory } from '../accounts/types.ts';
import type { RateLimitCounter } from '../ports/rate-limit-counter.ts';

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

  async check(principal: Principal, category: RateLimitCategory): Promise<RateLimitDecision> {
    const orgLimit = principal.organization.rateLimits[category];
    const org = await this.counter.hit(`org:${principal.organization.organizationId}:${category}`);
    let decision = this.decide(category, orgLimit, org);
    const override = principal.apiKey.rateLimitOverride;
    if (decision.allowed && override !== null) {
      const limit = Math.min(override, orgLimit);
      const key = await this.counter.hit(`key:${principal.apiKey.keyId}:${category}`);
      const keyDecision = this.decide(category, limit, key);
      if (!keyDecision.allowed || keyDecision.remaining < decision.remaining) decision = keyDecision;
    }
    return decision;
  }

  private decide(category: RateLimitCategory, limit: number, hit: { count: number; resetMs: number }): RateLimitDecision {
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

import type { AccountTier, RateLimits } from './types.ts';

/** Monthly credit allocation per tier (AccountTier in the seed). Enterprise is negotiated: null. */
export const TIER_MONTHLY_CREDITS: Record<AccountTier, number | null> = {
  free: 1_000,
  pro: 100_000,
  team: 1_000_000,
  enterprise: null,
};

/** The seed's BaseRateLimits default: 10 requests per minute in every category. */
export const DEFAULT_RATE_LIMITS: RateLimits = { metadata: 10, data: 10, search: 10, upload: 10, compute: 10 };

export const MILLIS_PER_CREDIT = 1000;

/**
 * Adding credits to a free organization upgrades it once its balance reaches a paid tier's
 * allocation (SPEC §2). Paid tiers are never downgraded by a top-up.
 */
export function tierAfterTopUp(current: AccountTier, newBalanceCredits: number): AccountTier {
  if (current !== 'free') return current;
  if (newBalanceCredits >= 1_000_000) return 'team';
  if (newBalanceCredits >= 100_000) return 'pro';
  return 'free';
}

/** Whole credits as reported by credit_count; fractions stay in the ledger until they add up. */
export function wholeCredits(millis: number): number {
  return Math.floor(millis / MILLIS_PER_CREDIT);
}

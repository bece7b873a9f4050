// The tier table: monthly credits, default rate limits and resource quotas per account tier.
// One table, so docs (docs/limits-and-credits.md) and enforcement read the same numbers.
import type { AccountTier, RateLimits } from './types.ts';

export const QUOTA_RESOURCES = ['namespaces', 'buckets', 'collections', 'retrievers', 'taxonomies', 'clusters', 'api_keys', 'documents', 'batch_size', 'objects'] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

const MiB = 1024 * 1024;

/** Byte caps on one blob, by how its bytes arrive (SPEC §8, §9, §20). */
export interface BlobSizeLimits {
  /** Bytes sent inside the request: base64 (data URI or {base64}) and inline text/JSON. */
  inlineMaxBytes: number;
  /** One presigned upload (CreateUploadRequest.file_size_bytes). */
  uploadMaxBytes: number;
  /**
   * One URL blob. Mixpeek documents no cap, but a fetched body is held in memory while it is
   * sniffed and hashed, so it is bounded; larger files go through the presigned upload flow.
   */
  urlMaxBytes: number;
}

export interface TierPolicy {
  /** Granted on each billing-cycle day; null = negotiated (enterprise), nothing automatic. */
  monthlyCredits: number | null;
  /** Requests per minute per category for new organizations of this tier (and the floor on upgrade). */
  rateLimits: RateLimits;
  /** null = unlimited. */
  quotas: Record<QuotaResource, number | null>;
  blobs: BlobSizeLimits;
}

/** The seed's BaseRateLimits default: 10 requests per minute in every category. */
export const DEFAULT_RATE_LIMITS: RateLimits = { metadata: 10, data: 10, search: 10, upload: 10, compute: 10 };

export const TIERS: Record<AccountTier, TierPolicy> = {
  free: {
    monthlyCredits: 1_000,
    rateLimits: DEFAULT_RATE_LIMITS,
    quotas: { namespaces: 1, buckets: 5, collections: 5, retrievers: 3, taxonomies: 2, clusters: 1, api_keys: 2, documents: 10_000, batch_size: 100, objects: 10_000 },
    blobs: { inlineMaxBytes: 5 * MiB, uploadMaxBytes: 100 * MiB, urlMaxBytes: 100 * MiB },
  },
  pro: {
    monthlyCredits: 100_000,
    rateLimits: { metadata: 200, data: 100, search: 60, upload: 30, compute: 30 },
    quotas: { namespaces: 10, buckets: 50, collections: 50, retrievers: 50, taxonomies: 20, clusters: 10, api_keys: 10, documents: 1_000_000, batch_size: 10_000, objects: 1_000_000 },
    blobs: { inlineMaxBytes: 10 * MiB, uploadMaxBytes: 5 * 1024 * MiB, urlMaxBytes: 512 * MiB },
  },
  team: {
    monthlyCredits: 1_000_000,
    rateLimits: { metadata: 1_000, data: 600, search: 300, upload: 100, compute: 100 },
    quotas: { namespaces: 100, buckets: 500, collections: 500, retrievers: 500, taxonomies: 200, clusters: 100, api_keys: 100, documents: 10_000_000, batch_size: 100_000, objects: 10_000_000 },
    // Mixpeek's size table has no team row: team gets pro's caps.
    blobs: { inlineMaxBytes: 10 * MiB, uploadMaxBytes: 5 * 1024 * MiB, urlMaxBytes: 512 * MiB },
  },
  enterprise: {
    monthlyCredits: null,
    rateLimits: { metadata: 5_000, data: 3_000, search: 1_500, upload: 500, compute: 500 },
    quotas: { namespaces: null, buckets: null, collections: null, retrievers: null, taxonomies: null, clusters: null, api_keys: null, documents: null, batch_size: null, objects: null },
    blobs: { inlineMaxBytes: 50 * MiB, uploadMaxBytes: 50 * 1024 * MiB, urlMaxBytes: 1024 * MiB },
  },
};

export const MILLIS_PER_CREDIT = 1000;
/** 1 credit = $0.001 (SPEC §5). */
export const USD_PER_CREDIT = 0.001;

/** Balance thresholds at which a free organization is upgraded by a top-up (SPEC §2). */
const UPGRADE_THRESHOLDS: [AccountTier, number][] = [
  ['team', 1_000_000],
  ['pro', 100_000],
];

/** Paid tiers are never downgraded by a top-up. */
export function tierAfterTopUp(current: AccountTier, newBalanceCredits: number): AccountTier {
  if (current !== 'free') return current;
  return UPGRADE_THRESHOLDS.find(([, at]) => newBalanceCredits >= at)?.[0] ?? 'free';
}

/** The next tier a free organization can reach by balance, and the credits it still needs. */
export function nextTier(current: AccountTier, balanceCredits: number): { tier: AccountTier; creditsNeeded: number } | null {
  if (current !== 'free') return null;
  const [tier, at] = UPGRADE_THRESHOLDS.at(-1)!;
  return { tier, creditsNeeded: Math.max(0, at - balanceCredits) };
}

/** On an upgrade, each category rises to at least the new tier's default; custom higher limits stay. */
export function rateLimitsAfterUpgrade(current: RateLimits, tier: AccountTier): RateLimits {
  const floor = TIERS[tier].rateLimits;
  return {
    metadata: Math.max(current.metadata, floor.metadata),
    data: Math.max(current.data, floor.data),
    search: Math.max(current.search, floor.search),
    upload: Math.max(current.upload, floor.upload),
    compute: Math.max(current.compute, floor.compute),
  };
}

/** Whole credits as reported by credit_count; fractions stay in the ledger until they add up. */
export function wholeCredits(millis: number): number {
  return Math.floor(millis / MILLIS_PER_CREDIT);
}

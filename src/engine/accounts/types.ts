// Account-layer domain records as the engine sees them. Storage adapters map rows to these;
// API schemas map these to Mixpeek's response models.

export const ACCOUNT_TIERS = ['free', 'pro', 'team', 'enterprise'] as const;
export type AccountTier = (typeof ACCOUNT_TIERS)[number];

export const RATE_LIMIT_CATEGORIES = ['metadata', 'data', 'search', 'upload', 'compute'] as const;
export type RateLimitCategory = (typeof RATE_LIMIT_CATEGORIES)[number];
export type RateLimits = Record<RateLimitCategory, number>;

export const USER_ROLES = ['admin', 'member', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const USER_STATUSES = ['active', 'suspended', 'pending'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const PERMISSIONS = ['read', 'write', 'delete', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a namespace scope of an API key may allow (null there: everything its permissions allow). */
export const NAMESPACE_OPERATIONS = [
  'read_data',
  'write_data',
  'delete_data',
  'execute_retriever',
  'create_retriever',
  'delete_retriever',
  'execute_job',
  'cancel_job',
  'create_cluster',
  'delete_cluster',
  'modify_cluster',
  'modify_infrastructure',
  'manage_permissions',
] as const;
export type NamespaceOperation = (typeof NAMESPACE_OPERATIONS)[number];

export const KEY_STATUSES = ['active', 'revoked', 'expired'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export interface Organization {
  /** Never leaves the server: not in any response, log line or error. */
  internalId: string;
  organizationId: string;
  organizationName: string;
  logoUrl: string | null;
  accountType: AccountTier;
  /** Balance in thousandths of a credit, so fractional costs add up exactly. */
  creditBalanceMillis: number;
  metadata: Record<string, unknown>;
  billingEmail: string | null;
  notificationsEmail: string | null;
  rateLimits: RateLimits;
  autoBillingEnabled: boolean;
  billingCycleStart: number;
  authProviderOrgId: string | null;
  /** Start (YYYY-MM-DD) of the last billing period whose monthly allocation was granted. */
  lastGrantPeriod: string | null;
  spendingCaps: SpendingCaps;
  createdAt: string;
  updatedAt: string;
}

/** Amounts in USD cents, as Mixpeek's spending-caps endpoints take them. */
export interface SpendingCaps {
  monthlyBudgetCents: number | null;
  alertThresholds: number[];
  alertsEnabled: boolean;
  hardCapCents: number | null;
  hardCapEnabled: boolean;
}

export const DEFAULT_SPENDING_CAPS: SpendingCaps = {
  monthlyBudgetCents: null,
  alertThresholds: [80, 95],
  alertsEnabled: true,
  hardCapCents: null,
  hardCapEnabled: false,
};

export interface User {
  userId: string;
  organizationInternalId: string;
  email: string;
  userName: string;
  avatarUrl: string | null;
  role: UserRole;
  status: UserStatus;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ResourceScope {
  resource_type: string;
  resource_id: string;
  operations: string[] | null;
}

export interface ApiKey {
  keyId: string;
  organizationInternalId: string;
  userId: string;
  name: string;
  description: string;
  keyHash: string;
  keyPrefix: string;
  permissions: Permission[];
  scopes: ResourceScope[];
  rateLimitOverride: number | null;
  status: KeyStatus;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  createdBy: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** What GET /v1/organizations shows: the organization, its users and its month's spending. */
export interface OrganizationView {
  organization: Organization;
  users: User[];
  /** Spent in the current billing period, from the credit ledger. */
  currentMonthUsageMillis: number;
}

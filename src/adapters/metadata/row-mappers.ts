// Converts between rows as each driver returns them and the engine's records.
import type { Selectable } from 'kysely';
import { DEFAULT_SPENDING_CAPS, type SpendingCaps } from '../../engine/accounts/types.ts';
import type { AccountTier, ApiKey, KeyStatus, Organization, Permission, RateLimits, ResourceScope, User, UserRole, UserStatus } from '../../engine/accounts/types.ts';
import type { ApiKeysTable, OrganizationsTable, UsersTable } from './accounts/tables.ts';

/** SQLite returns JSON columns as text, PostgreSQL (jsonb) as parsed values. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function toIso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

export function toIsoOrNull(value: string | Date | null): string | null {
  return value === null ? null : toIso(value);
}

export function toOrganization(row: Selectable<OrganizationsTable>): Organization {
  return {
    internalId: row.internal_id,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    logoUrl: row.logo_url,
    accountType: row.account_type as AccountTier,
    creditBalanceMillis: Number(row.credit_balance_millis),
    metadata: fromJson<Record<string, unknown>>(row.metadata),
    billingEmail: row.billing_email,
    notificationsEmail: row.notifications_email,
    rateLimits: fromJson<RateLimits>(row.rate_limits),
    autoBillingEnabled: row.auto_billing_enabled === 1,
    billingCycleStart: row.billing_cycle_start,
    authProviderOrgId: row.auth_provider_org_id,
    lastGrantPeriod: row.last_grant_period,
    spendingCaps: row.spending_caps == null ? { ...DEFAULT_SPENDING_CAPS } : { ...DEFAULT_SPENDING_CAPS, ...fromJson<SpendingCaps>(row.spending_caps) },
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function toUser(row: Selectable<UsersTable>): User {
  return {
    userId: row.user_id,
    organizationInternalId: row.organization_internal_id,
    email: row.email,
    userName: row.user_name,
    avatarUrl: row.avatar_url,
    role: row.role as UserRole,
    status: row.status as UserStatus,
    metadata: fromJson<Record<string, unknown>>(row.metadata),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    keyId: row.key_id,
    organizationInternalId: row.organization_internal_id,
    userId: row.user_id,
    name: row.name,
    description: row.description,
    keyHash: row.key_hash,
    keyPrefix: row.key_prefix,
    permissions: fromJson<Permission[]>(row.permissions),
    scopes: fromJson<ResourceScope[]>(row.scopes),
    rateLimitOverride: row.rate_limit_override,
    status: row.status as KeyStatus,
    expiresAt: toIsoOrNull(row.expires_at),
    lastUsedAt: toIsoOrNull(row.last_used_at),
    createdAt: toIso(row.created_at),
    createdBy: row.created_by,
    revokedAt: toIsoOrNull(row.revoked_at),
    revokedBy: row.revoked_by,
  };
}

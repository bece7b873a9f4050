// The accounts module's storage port: organizations (the tenants themselves), their users and API
// keys, and one-time markers. Adapters implement it; the engine never sees SQL or a driver.
import type { TenantScope } from '../scope/request-scope.ts';
import type { AccountTier, ApiKey, Organization, User, UserRole, UserStatus } from './types.ts';

export type OrganizationPatch = Partial<
  Pick<Organization, 'organizationName' | 'logoUrl' | 'billingEmail' | 'notificationsEmail' | 'metadata' | 'rateLimits' | 'autoBillingEnabled' | 'spendingCaps'>
>;

/**
 * The tenant registry. Its methods take the organization's internal id: this is the table a tenant
 * scope is built from, addressed by primary key, so there is no wider filter to forget.
 */
export interface OrganizationRepository {
  findByInternalId(internalId: string): Promise<Organization | undefined>;
  findByPublicId(organizationId: string): Promise<Organization | undefined>;
  count(): Promise<number>;
  insert(org: Organization): Promise<void>;
  update(internalId: string, patch: OrganizationPatch, updatedAt: string): Promise<Organization | undefined>;
  /** Atomically adds to the balance and returns the balance after the addition. */
  addCreditMillis(internalId: string, millis: number, updatedAt: string): Promise<number>;
  setAccountType(internalId: string, from: AccountTier, to: AccountTier, updatedAt: string): Promise<void>;
  /**
   * Takes the organization's row lock for the rest of the transaction (a no-op write), so counts
   * read after it (quotas, period spending) cannot race another transaction's insert.
   */
  lock(internalId: string): Promise<void>;
  /**
   * Subtracts from the balance in one conditional statement: returns the new balance, or null when
   * the balance does not cover the amount and overdraft is not allowed.
   */
  debitMillis(internalId: string, millis: number, allowOverdraft: boolean, updatedAt: string): Promise<number | null>;
  /** Adds a period's grant once: returns the new balance, or null when that period was already granted. */
  claimGrant(internalId: string, periodKey: string, millis: number, updatedAt: string): Promise<number | null>;
}

export type UserPatch = Partial<Pick<User, 'userName' | 'avatarUrl' | 'role' | 'status' | 'metadata'>>;

export interface UserListFilter {
  skip: number;
  limit: number;
  role?: UserRole;
  status?: UserStatus;
}

export interface UserRepository {
  insert(user: User): Promise<void>;
  findById(tenant: TenantScope, userId: string): Promise<User | undefined>;
  findByEmail(tenant: TenantScope, email: string): Promise<User | undefined>;
  list(tenant: TenantScope, filter: UserListFilter): Promise<{ users: User[]; total: number }>;
  listAll(tenant: TenantScope): Promise<User[]>;
  countActiveAdmins(tenant: TenantScope): Promise<number>;
  update(tenant: TenantScope, userId: string, patch: UserPatch, updatedAt: string): Promise<User | undefined>;
  delete(tenant: TenantScope, userId: string): Promise<boolean>;
}

/** Every stored field a key change may write; what callers may ask for is ApiKeyChanges (api-key-service.ts). */
export type ApiKeyPatch = Partial<
  Pick<ApiKey, 'name' | 'description' | 'permissions' | 'scopes' | 'rateLimitOverride' | 'expiresAt' | 'status' | 'revokedAt' | 'revokedBy' | 'keyHash' | 'keyPrefix'>
>;

export interface ApiKeyRepository {
  insert(key: ApiKey): Promise<void>;
  /** The one unscoped lookup: authentication finds the tenant from the key. */
  findByHash(keyHash: string): Promise<ApiKey | undefined>;
  /** Active or expired keys only: a revoked key's name can be reused. */
  findLiveByName(tenant: TenantScope, userId: string, name: string): Promise<ApiKey | undefined>;
  listForUser(tenant: TenantScope, userId: string, includeRevoked: boolean): Promise<ApiKey[]>;
  update(tenant: TenantScope, keyId: string, patch: ApiKeyPatch): Promise<ApiKey | undefined>;
  revokeAllForUser(tenant: TenantScope, userId: string, revokedAt: string, revokedBy: string | null): Promise<number>;
  /** Active, unexpired keys in the organization at `now`: what the api_keys quota counts. */
  countActive(tenant: TenantScope, now: string): Promise<number>;
  findById(tenant: TenantScope, keyId: string): Promise<ApiKey | undefined>;
  touchLastUsed(tenant: TenantScope, keyId: string, at: string): Promise<void>;
}

/** One-time markers (such as "bootstrapped"), claimable by exactly one caller per store, across processes. */
export interface MarkerRepository {
  claimOnce(key: string, at: string): Promise<boolean>;
}

export interface AccountRepositories {
  markers: MarkerRepository;
  organizations: OrganizationRepository;
  users: UserRepository;
  apiKeys: ApiKeyRepository;
}

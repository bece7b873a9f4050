// The port the engine uses for account metadata. Adapters (SQLite, PostgreSQL) implement it;
// the engine never sees SQL or a driver.
import type { AccountTier, ApiKey, Organization, User, UserRole, UserStatus } from '../accounts/types.ts';
import type { ChangeListener } from './data-changes.ts';
import type { SecretRepository } from './secret-repository.ts';

export type OrganizationPatch = Partial<
  Pick<Organization, 'organizationName' | 'logoUrl' | 'billingEmail' | 'notificationsEmail' | 'metadata' | 'rateLimits' | 'autoBillingEnabled' | 'spendingCaps'>
>;

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

export interface LedgerEntry {
  entryId: string;
  organizationInternalId: string;
  keyId: string | null;
  operation: string;
  /** Positive adds credits, negative spends them (thousandths of a credit). */
  amountMillis: number;
  balanceAfterMillis: number;
  referenceId: string | null;
  overdraft: boolean;
  createdAt: string;
}

export interface TimeRange {
  from: string;
  to: string;
}

export interface CreditLedgerRepository {
  append(entry: LedgerEntry): Promise<void>;
  /** Credits spent (as a positive number of millis) in [from, to), optionally by one key. */
  spentMillis(organizationInternalId: string, range: TimeRange, keyId?: string): Promise<number>;
  spentByOperation(organizationInternalId: string, range: TimeRange, keyId?: string): Promise<Record<string, number>>;
  /** Sum of every entry: equals the balance while the ledger is the truth. */
  sumMillis(organizationInternalId: string): Promise<number>;
  findByReference(organizationInternalId: string, referenceId: string): Promise<LedgerEntry | undefined>;
}

export interface RequestCount {
  organizationInternalId: string;
  keyId: string;
  operationId: string;
  method: string;
  route: string;
  category: string;
  /** ISO start of the UTC hour. */
  hour: string;
  requests: number;
  errors: number;
  lastRequestAt: string;
}

export interface EndpointUsage {
  operationId: string;
  method: string;
  route: string;
  category: string;
  requests: number;
  errors: number;
  lastRequestAt: string;
}

export interface RequestUsageRepository {
  /** Adds the counts to the stored ones (upsert-increment). */
  add(counts: readonly RequestCount[]): Promise<void>;
  byEndpoint(organizationInternalId: string, range: TimeRange, keyId?: string): Promise<EndpointUsage[]>;
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
  findById(organizationInternalId: string, userId: string): Promise<User | undefined>;
  findByEmail(organizationInternalId: string, email: string): Promise<User | undefined>;
  list(organizationInternalId: string, filter: UserListFilter): Promise<{ users: User[]; total: number }>;
  listAll(organizationInternalId: string): Promise<User[]>;
  countActiveAdmins(organizationInternalId: string): Promise<number>;
  update(organizationInternalId: string, userId: string, patch: UserPatch, updatedAt: string): Promise<User | undefined>;
  delete(organizationInternalId: string, userId: string): Promise<boolean>;
}

export type ApiKeyPatch = Partial<
  Pick<ApiKey, 'name' | 'description' | 'permissions' | 'scopes' | 'rateLimitOverride' | 'expiresAt' | 'status' | 'revokedAt' | 'revokedBy' | 'keyHash' | 'keyPrefix'>
>;

export interface ApiKeyRepository {
  insert(key: ApiKey): Promise<void>;
  findByHash(keyHash: string): Promise<ApiKey | undefined>;
  /** Active or expired keys only: a revoked key's name can be reused. */
  findLiveByName(organizationInternalId: string, userId: string, name: string): Promise<ApiKey | undefined>;
  listForUser(organizationInternalId: string, userId: string, includeRevoked: boolean): Promise<ApiKey[]>;
  update(organizationInternalId: string, keyId: string, patch: ApiKeyPatch): Promise<ApiKey | undefined>;
  revokeAllForUser(organizationInternalId: string, userId: string, revokedAt: string, revokedBy: string): Promise<number>;
  /** Active, unexpired keys in the organization at `now`: what the api_keys quota counts. */
  countActive(organizationInternalId: string, now: string): Promise<number>;
  findById(organizationInternalId: string, keyId: string): Promise<ApiKey | undefined>;
  touchLastUsed(keyId: string, at: string): Promise<void>;
}

/** One-time markers (such as "bootstrapped"), claimable by exactly one caller per store, across processes. */
export interface MarkerRepository {
  claimOnce(key: string, at: string): Promise<boolean>;
}

export interface AccountRepositories {
  markers: MarkerRepository;
  ledger: CreditLedgerRepository;
  requestUsage: RequestUsageRepository;
  organizations: OrganizationRepository;
  users: UserRepository;
  apiKeys: ApiKeyRepository;
  secrets: SecretRepository;
}

export interface MetadataStore extends AccountRepositories {
  readonly backend: 'sqlite' | 'postgres';
  /** Runs fn in one transaction; everything it does through the given repositories commits or rolls back together. */
  transaction<T>(fn: (repos: AccountRepositories) => Promise<T>): Promise<T>;
  /**
   * Calls the listener, synchronously after each commit and before the writing call returns, with
   * what the commit changed: once per transaction, once per write made outside one. Never for a
   * rollback, nor for writes that change nothing a cache holds. Returns the unsubscribe function.
   */
  onCommittedChanges(listener: ChangeListener): () => void;
  migrate(): Promise<{ applied: string[] }>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by adapters when an insert or update hits a unique constraint (a lost race on a name). */
export class UniqueViolation extends Error {
  constructor(cause: unknown) {
    super('unique constraint violated', { cause });
  }
}

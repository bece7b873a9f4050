// Per-process cache of what every request reads: the caller (key, user, organization) by key hash,
// and the organization view GET /v1/organizations returns. Without it each request runs five or six
// SQL statements, most of the cost of a small request (bench/RESULTS.md).
//
// Coherence: every write this process makes through the store clears the cache after it commits
// (see write-observed-store.ts), so within a process a revoked or rotated key stops working at once.
// Writes by other processes (several API servers, the CLI) are seen within the TTL.
import { LRUCache } from 'lru-cache';
import type { ApiKey, Organization, OrganizationView, User } from '../accounts/types.ts';

export interface CachedCaller {
  apiKey: ApiKey;
  user: User;
  organization: Organization;
}

export class AccountReadCache {
  private readonly callers: LRUCache<string, CachedCaller>;
  private readonly views: LRUCache<string, OrganizationView>;
  /**
   * Bumped by every clear. A read remembers its result only if no write happened since the read
   * began, so a slow read can never put back what a concurrent write just invalidated.
   */
  private generation = 0;

  constructor(
    readonly ttlMs: number,
    max = 10_000,
  ) {
    const options = { max, ttl: Math.max(ttlMs, 1) };
    this.callers = new LRUCache<string, CachedCaller>(options);
    this.views = new LRUCache<string, OrganizationView>(options);
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  caller(keyHash: string): CachedCaller | undefined {
    return this.enabled ? this.callers.get(keyHash) : undefined;
  }

  /** Call before reading from the store; pass the result to remember*. */
  snapshot(): number {
    return this.generation;
  }

  rememberCaller(keyHash: string, caller: CachedCaller, readAt: number): void {
    if (this.enabled && readAt === this.generation) this.callers.set(keyHash, caller);
  }

  view(organizationInternalId: string): OrganizationView | undefined {
    return this.enabled ? this.views.get(organizationInternalId) : undefined;
  }

  rememberView(organizationInternalId: string, view: OrganizationView, readAt: number): void {
    if (this.enabled && readAt === this.generation) this.views.set(organizationInternalId, view);
  }

  clear(): void {
    this.generation += 1;
    this.callers.clear();
    this.views.clear();
  }
}

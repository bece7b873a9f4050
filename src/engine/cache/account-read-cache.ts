// Per-process cache of what every request reads: the caller (key, user, organization) by key hash,
// and the organization view GET /v1/organizations returns. Without it each request runs five or six
// SQL statements, most of the cost of a small request (bench/RESULTS.md).
//
// Coherence (cache-coherence.ts): every committed write drops exactly what it changed, by scope:
// an organization (its view and every caller of it) or an API key (that key's callers). This
// process's writes drop at once; other processes' arrive over the invalidation bus (Redis pub/sub)
// when one is configured. The TTL is the backstop for whatever a bus loses, and the only bound on
// staleness without one.
import { LRUCache } from 'lru-cache';
import type { ApiKey, Organization, OrganizationView, User } from '../accounts/types.ts';
import type { ChangeSet } from '../ports/data-changes.ts';

export interface CachedCaller {
  apiKey: ApiKey;
  user: User;
  organization: Organization;
}

/** Past this many remembered invalidations, forget them all and refuse every read in flight instead. */
const MAX_TRACKED_INVALIDATIONS = 10_000;

export class AccountReadCache {
  private readonly callers: LRUCache<string, CachedCaller>;
  private readonly views: LRUCache<string, OrganizationView>;
  /** Key hashes of the cached callers, by organization and by key id: what a scoped drop deletes. */
  private readonly callersByOrganization = new Map<string, Set<string>>();
  private readonly callersByKey = new Map<string, Set<string>>();

  /**
   * A read remembers its result only if nothing it read was invalidated since the read began, so a
   * slow read can never put back what a concurrent write just dropped. Every invalidation takes the
   * next sequence number and records it for its scope; `floor` is the last full clear's.
   */
  private sequence = 0;
  private floor = 0;
  private readonly organizationsInvalidatedAt = new Map<string, number>();
  private readonly keysInvalidatedAt = new Map<string, number>();

  constructor(
    readonly ttlMs: number,
    max = 10_000,
  ) {
    const ttl = Math.max(ttlMs, 1);
    this.callers = new LRUCache<string, CachedCaller>({
      max,
      ttl,
      // Every way out of the LRU (eviction, expiry, delete, replacement) also leaves the indexes.
      dispose: (caller, keyHash) => this.unindex(caller, keyHash),
    });
    this.views = new LRUCache<string, OrganizationView>({ max, ttl });
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The hot path: one LRU read. */
  caller(keyHash: string): CachedCaller | undefined {
    return this.enabled ? this.callers.get(keyHash) : undefined;
  }

  /** Call before reading from the store; pass the result to remember*. */
  snapshot(): number {
    return this.sequence;
  }

  rememberCaller(keyHash: string, caller: CachedCaller, readAt: number): void {
    if (!this.enabled || !this.unchangedSince(readAt, caller.organization.internalId)) return;
    if ((this.keysInvalidatedAt.get(caller.apiKey.keyId) ?? 0) > readAt) return;
    this.callers.set(keyHash, caller);
    addTo(this.callersByOrganization, caller.organization.internalId, keyHash);
    addTo(this.callersByKey, caller.apiKey.keyId, keyHash);
  }

  view(organizationInternalId: string): OrganizationView | undefined {
    return this.enabled ? this.views.get(organizationInternalId) : undefined;
  }

  rememberView(organizationInternalId: string, view: OrganizationView, readAt: number): void {
    if (this.enabled && this.unchangedSince(readAt, organizationInternalId)) this.views.set(organizationInternalId, view);
  }

  /** Drops exactly what the change set names. */
  invalidate(changes: ChangeSet): void {
    if (changes.everything) return this.clear();
    if (this.organizationsInvalidatedAt.size + this.keysInvalidatedAt.size > MAX_TRACKED_INVALIDATIONS) this.forgetInvalidations();
    for (const organizationInternalId of changes.organizations) {
      this.organizationsInvalidatedAt.set(organizationInternalId, ++this.sequence);
      this.views.delete(organizationInternalId);
      this.deleteCallers(this.callersByOrganization.get(organizationInternalId));
    }
    for (const keyId of changes.keys) {
      this.keysInvalidatedAt.set(keyId, ++this.sequence);
      this.deleteCallers(this.callersByKey.get(keyId));
    }
  }

  clear(): void {
    this.forgetInvalidations();
    this.callers.clear();
    this.views.clear();
  }

  private unchangedSince(readAt: number, organizationInternalId: string): boolean {
    return readAt >= this.floor && (this.organizationsInvalidatedAt.get(organizationInternalId) ?? 0) <= readAt;
  }

  /** Reads in flight cannot be checked against forgotten invalidations: the floor refuses them all. */
  private forgetInvalidations(): void {
    this.floor = ++this.sequence;
    this.organizationsInvalidatedAt.clear();
    this.keysInvalidatedAt.clear();
  }

  private deleteCallers(keyHashes: Set<string> | undefined): void {
    // A copy: each delete disposes the entry, which removes it from the set being walked.
    if (keyHashes) for (const keyHash of [...keyHashes]) this.callers.delete(keyHash);
  }

  private unindex(caller: CachedCaller, keyHash: string): void {
    removeFrom(this.callersByOrganization, caller.organization.internalId, keyHash);
    removeFrom(this.callersByKey, caller.apiKey.keyId, keyHash);
  }
}

function addTo(index: Map<string, Set<string>>, scope: string, keyHash: string): void {
  const set = index.get(scope);
  if (set) set.add(keyHash);
  else index.set(scope, new Set([keyHash]));
}

function removeFrom(index: Map<string, Set<string>>, scope: string, keyHash: string): void {
  const set = index.get(scope);
  if (!set) return;
  set.delete(keyHash);
  if (set.size === 0) index.delete(scope);
}

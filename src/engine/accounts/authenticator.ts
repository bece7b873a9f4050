import { UnauthorizedError } from '../errors.ts';
import type { AccountReadCache, CachedCaller } from '../cache/account-read-cache.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import { sha256Hex } from '../../lib/secrets.ts';
import type { Clock } from '../ports/clock.ts';
import { effectivePermission } from './permissions.ts';
import { callerScope, type CallerScope } from '../scope/request-scope.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const KEY_SHAPE = /^sk_[A-Za-z0-9_-]{16,200}$/;

/** last_used_at is written at most this often per key, so reads stay reads. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** SHA-256 of the Bearer key; a missing or malformed header fails like an unknown key. */
function hashOfBearer(authorization: string | undefined): string {
  const secret = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  if (!secret || !KEY_SHAPE.test(secret)) throw new UnauthorizedError();
  return sha256Hex(secret);
}

/**
 * The one decision over a caller, shared by both paths: throws for an inactive key or user or a key
 * without permissions, and says which write (if any) the request owes.
 */
function assess(caller: CachedCaller, nowMs: number): { scope: CallerScope; due: 'none' | 'expired' | 'touch' } {
  const { apiKey, user, organization } = caller;
  if (apiKey.status !== 'active' || user.status !== 'active') throw new UnauthorizedError();
  const permission = effectivePermission(apiKey.permissions, user.role);
  if (permission === null) throw new UnauthorizedError();
  // A fresh scope per request: admission may replace its organization (monthly grant) and namespace.
  const scope = callerScope(organization, user, apiKey, permission);
  if (apiKey.expiresAt !== null && Date.parse(apiKey.expiresAt) <= nowMs) return { scope, due: 'expired' };
  if (apiKey.lastUsedAt === null || nowMs - Date.parse(apiKey.lastUsedAt) >= LAST_USED_RESOLUTION_MS) return { scope, due: 'touch' };
  return { scope, due: 'none' };
}

export class Authenticator {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly cache: AccountReadCache,
  ) {}

  /**
   * Resolves the caller from an Authorization header. Every failure raises the same
   * UnauthorizedError; lookup is by SHA-256 of the presented key (through a unique index, or the
   * read cache keyed by that hash), so neither the message nor a string comparison can tell a
   * near-miss from a stranger. Status, expiry and role are checked on every request, cached or not.
   */
  async authenticate(authorization: string | undefined): Promise<CallerScope> {
    const keyHash = hashOfBearer(authorization);
    const caller = this.cache.caller(keyHash) ?? (await this.load(keyHash));
    const now = this.clock.now();
    const { scope, due } = assess(caller, now.getTime());
    if (due === 'expired') {
      await this.store.apiKeys.update(scope, caller.apiKey.keyId, { status: 'expired' });
      throw new UnauthorizedError();
    }
    if (due === 'touch') {
      const at = now.toISOString();
      // Updating the cached copy too keeps this write to once a minute per key.
      caller.apiKey.lastUsedAt = at;
      await this.store.apiKeys.touchLastUsed(scope, caller.apiKey.keyId, at);
    }
    return scope;
  }

  /**
   * The same decision without I/O, for callers in the read cache: a scope when it can be
   * decided from memory, undefined when the caller must go through authenticate() (not cached, or
   * a write is due: last_used_at or an expiry to record). Failures throw as authenticate() does.
   */
  fromCache(authorization: string | undefined): CallerScope | undefined {
    const caller = this.cache.caller(hashOfBearer(authorization));
    if (!caller) return undefined;
    const { scope, due } = assess(caller, this.clock.now().getTime());
    return due === 'none' ? scope : undefined;
  }

  private async load(keyHash: string): Promise<CachedCaller> {
    const readAt = this.cache.snapshot();
    const apiKey = await this.store.apiKeys.findByHash(keyHash);
    if (!apiKey) throw new UnauthorizedError();
    // The key names its tenant; the user is then read within it, like every tenant read.
    const organization = await this.store.organizations.findByInternalId(apiKey.organizationInternalId);
    if (!organization) throw new UnauthorizedError();
    const user = await this.store.users.findById({ organization, namespace: null }, apiKey.userId);
    if (!user) throw new UnauthorizedError();
    const caller = { apiKey, user, organization };
    // Only usable callers are kept; a revoked key or suspended user is looked up again next time.
    if (apiKey.status === 'active' && user.status === 'active') this.cache.rememberCaller(keyHash, caller, readAt);
    return caller;
  }
}

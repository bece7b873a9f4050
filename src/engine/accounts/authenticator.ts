import { UnauthorizedError } from '../errors.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import { sha256Hex } from '../../lib/secrets.ts';
import type { Clock } from '../ports/clock.ts';
import { effectivePermission } from './permissions.ts';
import type { Principal } from './types.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const KEY_SHAPE = /^sk_[A-Za-z0-9_-]{16,200}$/;

/** last_used_at is written at most this often per key, so reads stay reads. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class Authenticator {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Resolves the caller from an Authorization header. Every failure raises the same
   * UnauthorizedError; lookup is by SHA-256 of the presented key through a unique index, so
   * neither the message nor a string comparison can tell a near-miss from a stranger.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const secret = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    if (!secret || !KEY_SHAPE.test(secret)) throw new UnauthorizedError();

    const apiKey = await this.store.apiKeys.findByHash(sha256Hex(secret));
    if (!apiKey || apiKey.status !== 'active') throw new UnauthorizedError();

    const now = this.clock.now().getTime();
    if (apiKey.expiresAt !== null && Date.parse(apiKey.expiresAt) <= now) {
      await this.store.apiKeys.update(apiKey.organizationInternalId, apiKey.keyId, { status: 'expired' });
      throw new UnauthorizedError();
    }

    const [user, organization] = await Promise.all([
      this.store.users.findById(apiKey.organizationInternalId, apiKey.userId),
      this.store.organizations.findByInternalId(apiKey.organizationInternalId),
    ]);
    if (!user || user.status !== 'active' || !organization) throw new UnauthorizedError();

    const permission = effectivePermission(apiKey.permissions, user.role);
    if (permission === null) throw new UnauthorizedError();

    if (apiKey.lastUsedAt === null || now - Date.parse(apiKey.lastUsedAt) >= LAST_USED_RESOLUTION_MS) {
      const at = new Date(now).toISOString();
      await this.store.apiKeys.touchLastUsed(apiKey.keyId, at);
      apiKey.lastUsedAt = at;
    }
    return { organization, user, apiKey, permission };
  }
}

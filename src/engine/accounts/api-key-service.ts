import { AlreadyExistsError, BadRequestError, ForbiddenError, NotFoundError } from '../errors.ts';
import { UniqueViolation, type MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import { actingUserId, actorResourceScopes, type RequestScope, type TenantScope } from '../scope/request-scope.ts';
import type { ApiKeyPatch } from './account-repositories.ts';
import { newId } from '../../lib/ids.ts';
import { keyPrefixOf, newApiKeySecret, sha256Hex } from '../../lib/secrets.ts';
import type { Clock } from '../ports/clock.ts';
import type { ApiKeyChanges } from './api-key-commands.ts';
import { highestPermission, roleCeiling, satisfies } from './permissions.ts';
import { assertScopesGrantable } from './scopes.ts';
import type { ApiKey, Permission, ResourceScope, User } from './types.ts';
import { normaliseEmail } from './user-service.ts';
import { assertWithinQuota } from './quotas.ts';

/** Only the fields a caller may change reach the store, whatever else the object carries. */
function apiKeyPatchOf(changes: ApiKeyChanges): ApiKeyPatch {
  const patch: ApiKeyPatch = {};
  if (changes.name !== undefined) patch.name = changes.name;
  if (changes.description !== undefined) patch.description = changes.description;
  if (changes.permissions !== undefined) patch.permissions = changes.permissions;
  if (changes.scopes !== undefined) patch.scopes = changes.scopes;
  if (changes.rateLimitOverride !== undefined) patch.rateLimitOverride = changes.rateLimitOverride;
  if (changes.expiresAt !== undefined) patch.expiresAt = changes.expiresAt;
  if (changes.status !== undefined) patch.status = changes.status;
  return patch;
}

/** The bootstrap key: Mixpeek forbids updating, deleting or rotating a key with this name. */
export const PROTECTED_KEY_NAME = 'admin-key';

export interface NewApiKey {
  name: string;
  description: string;
  permissions: Permission[];
  scopes: ResourceScope[];
  rateLimitOverride: number | null;
  expiresAt: string | null;
}

export interface IssuedApiKey {
  apiKey: ApiKey;
  /** The plaintext secret: returned once, never stored. */
  secret: string;
}

export class ApiKeyService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
  ) {}

  async create(scope: RequestScope, email: string, input: NewApiKey): Promise<IssuedApiKey> {
    const orgId = scope.organization.internalId;
    return this.store.transaction(async (repos) => {
      const owner = await this.ownerFor(repos, scope, email);
      assertGrantable(scope, input.permissions);
      assertScopesGrantable(actorResourceScopes(scope), input.scopes);
      const now = this.clock.now();
      assertFuture(input.expiresAt, now);
      await repos.organizations.lock(orgId);
      const org = await repos.organizations.findByInternalId(orgId);
      // The tier's quota limits what a tenant's own keys create; the operator (the CLI's system
      // actor) provisions above it, as it could by changing the tier.
      if (org && scope.actor.kind === 'api_key') assertWithinQuota(org, 'api_keys', await repos.apiKeys.countActive(scope, now.toISOString()));
      return issueApiKey(repos, scope, owner, input, { createdBy: actingUserId(scope), now });
    });
  }

  async list(scope: RequestScope, email: string, includeRevoked: boolean): Promise<ApiKey[]> {
    const owner = await this.ownerFor(this.store, scope, email);
    return this.store.apiKeys.listForUser(scope, owner.userId, includeRevoked);
  }

  async update(scope: RequestScope, email: string, keyName: string, changes: ApiKeyChanges): Promise<ApiKey> {
    const patch = apiKeyPatchOf(changes);
    return this.store.transaction(async (repos) => {
      const { key, owner } = await this.manageableKey(repos, scope, email, keyName);
      if (patch.permissions) {
        assertGrantable(scope, patch.permissions);
        assertWithinRole(owner, patch.permissions);
      }
      if (patch.scopes !== undefined) assertScopesGrantable(actorResourceScopes(scope), patch.scopes);
      if (patch.expiresAt) assertFuture(patch.expiresAt, this.clock.now());
      if (patch.status !== undefined && patch.status !== key.status && key.status !== 'active') {
        throw new BadRequestError(`An API key that is ${key.status} cannot change status`, { status: key.status }, 'api_key_status_final');
      }
      if (patch.status === 'revoked' && key.status !== 'revoked') Object.assign(patch, this.revocation(scope));
      try {
        const updated = await repos.apiKeys.update(scope, key.keyId, patch);
        if (!updated) throw new NotFoundError('api_key', keyName);
        return updated;
      } catch (err) {
        if (err instanceof UniqueViolation) throw new AlreadyExistsError('api_key', 'name', patch.name ?? keyName, 'api_key_name_taken');
        throw err;
      }
    });
  }

  async revoke(scope: RequestScope, email: string, keyName: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      const { key } = await this.manageableKey(repos, scope, email, keyName);
      await repos.apiKeys.update(scope, key.keyId, { status: 'revoked', ...this.revocation(scope) });
    });
  }

  /** Replaces the secret in place: the old one stops authenticating with this commit. */
  async rotate(scope: RequestScope, email: string, keyName: string): Promise<IssuedApiKey> {
    return this.store.transaction(async (repos) => {
      const { key } = await this.manageableKey(repos, scope, email, keyName);
      if (key.status !== 'active') throw new BadRequestError(`An API key that is ${key.status} cannot be rotated`, { status: key.status }, 'api_key_status_final');
      const secret = newApiKeySecret();
      const apiKey = await repos.apiKeys.update(scope, key.keyId, { keyHash: sha256Hex(secret), keyPrefix: keyPrefixOf(secret) });
      if (!apiKey) throw new NotFoundError('api_key', keyName);
      return { apiKey, secret };
    });
  }

  private revocation(scope: RequestScope): ApiKeyPatch {
    return { revokedAt: this.clock.now().toISOString(), revokedBy: actingUserId(scope) };
  }

  /**
   * Keys hang off a user. Managing your own keys needs `write`; anyone else's needs `admin`.
   * A user outside the caller's organization is reported as missing.
   */
  private async ownerFor(repos: Pick<Repositories, 'users'>, scope: RequestScope, email: string): Promise<User> {
    const owner = await repos.users.findByEmail(scope, normaliseEmail(email));
    if (!owner) throw new NotFoundError('user', email);
    if (owner.userId !== actingUserId(scope) && !satisfies(scope.permission, 'admin')) {
      throw new ForbiddenError("Managing another user's API keys requires the admin permission", { required: 'admin' });
    }
    return owner;
  }

  /**
   * A key the caller may update, revoke or rotate: not the protected 'admin-key', and holding
   * nothing the caller does not hold. Without the second rule a write key could rotate an admin
   * key of the same user and receive its new secret.
   */
  private async manageableKey(repos: Repositories, scope: RequestScope, email: string, keyName: string): Promise<{ key: ApiKey; owner: User }> {
    const owner = await this.ownerFor(repos, scope, email);
    const key = await repos.apiKeys.findLiveByName(scope, owner.userId, keyName);
    if (!key) throw new NotFoundError('api_key', keyName);
    if (key.name === PROTECTED_KEY_NAME) {
      throw new ForbiddenError(`The '${PROTECTED_KEY_NAME}' key cannot be updated, deleted or rotated`, { key_name: keyName });
    }
    const held = highestPermission(key.permissions);
    if (held && !satisfies(scope.permission, held)) {
      throw new ForbiddenError(`Managing a key that holds '${held}' requires '${held}'; the calling key holds '${scope.permission}'`, {
        required: held,
        granted: scope.permission,
      });
    }
    // Nor a key that reaches further: a scoped key rotating a global one would receive global reach.
    assertScopesGrantable(actorResourceScopes(scope), key.scopes);
    return { key, owner };
  }
}

/** Creates a key for a user; shared by the service, bootstrap and the CLI. */
export async function issueApiKey(
  repos: Repositories,
  tenant: TenantScope,
  owner: User,
  input: NewApiKey,
  options: { createdBy: string | null; now: Date; secret?: string | undefined },
): Promise<IssuedApiKey> {
  assertWithinRole(owner, input.permissions);
  const secret = options.secret ?? newApiKeySecret();
  const apiKey: ApiKey = {
    keyId: newId('apiKey'),
    organizationInternalId: tenant.organization.internalId,
    userId: owner.userId,
    name: input.name,
    description: input.description,
    keyHash: sha256Hex(secret),
    keyPrefix: keyPrefixOf(secret),
    permissions: [...new Set(input.permissions)],
    scopes: input.scopes,
    rateLimitOverride: input.rateLimitOverride,
    status: 'active',
    expiresAt: input.expiresAt,
    lastUsedAt: null,
    createdAt: options.now.toISOString(),
    createdBy: options.createdBy,
    revokedAt: null,
    revokedBy: null,
  };
  try {
    await repos.apiKeys.insert(apiKey);
  } catch (err) {
    if (err instanceof UniqueViolation) throw new AlreadyExistsError('api_key', 'name', input.name, 'api_key_name_taken');
    throw err;
  }
  return { apiKey, secret };
}

/** No one hands out more than they hold. */
function assertGrantable(scope: RequestScope, permissions: readonly Permission[]): void {
  const requested = highestPermission(permissions);
  if (requested && !satisfies(scope.permission, requested)) {
    throw new ForbiddenError(`Cannot grant '${requested}': the calling key holds '${scope.permission}'`, { required: requested, granted: scope.permission });
  }
}

/**
 * Every path that gives a key permissions (API, CLI, bootstrap) goes through here: a viewer's admin
 * key would be capped today but become admin the moment the role is raised.
 */
function assertWithinRole(owner: User, permissions: readonly Permission[]): void {
  const requested = highestPermission(permissions);
  if (!requested) return;
  const ceiling = roleCeiling(owner.role);
  if (!satisfies(ceiling, requested)) {
    throw new BadRequestError(`A user with the '${owner.role}' role can hold keys up to '${ceiling}', not '${requested}'`, { role: owner.role, max_permission: ceiling, requested }, 'permission_exceeds_role');
  }
}

function assertFuture(expiresAt: string | null, now: Date): void {
  if (expiresAt !== null && Date.parse(expiresAt) <= now.getTime()) {
    throw new BadRequestError('expires_at must be in the future', { expires_at: expiresAt }, 'expires_at_in_past');
  }
}

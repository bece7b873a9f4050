import type { IssuedApiKey } from '../../engine/accounts/api-key-service.ts';
import type { ApiKey } from '../../engine/accounts/types.ts';
import type { APIKeyCreateResponseBody, APIKeyListResponseBody, APIKeyModelBody } from '../schemas/api-keys.ts';

/**
 * Mixpeek's APIKeyModel requires key_hash and internal_id. Tessera fills them without leaking
 * anything: the hash is redacted and internal_id carries the public organization id.
 */
export function toApiKeyModel(key: ApiKey, organizationId: string): APIKeyModelBody {
  return {
    key_id: key.keyId,
    key_hash: '[redacted]',
    key_prefix: key.keyPrefix,
    internal_id: organizationId,
    organization_id: organizationId,
    user_id: key.userId,
    name: key.name,
    description: key.description,
    permissions: key.permissions,
    scopes: key.scopes.map((s) => ({ ...s })) as APIKeyModelBody['scopes'],
    rate_limit_override: key.rateLimitOverride,
    status: key.status,
    expires_at: key.expiresAt,
    last_used_at: key.lastUsedAt,
    created_at: key.createdAt,
    created_by: key.createdBy,
    revoked_at: key.revokedAt,
    revoked_by: key.revokedBy,
  };
}

/** A key just issued or rotated: the model plus the plaintext secret, shown this once. */
export function toIssuedApiKey(issued: IssuedApiKey, organizationId: string): APIKeyCreateResponseBody {
  return { ...toApiKeyModel(issued.apiKey, organizationId), key: issued.secret };
}

export function toApiKeyList(keys: ApiKey[], organizationId: string): APIKeyListResponseBody {
  return { results: keys.map((k) => toApiKeyModel(k, organizationId)), total: keys.length };
}

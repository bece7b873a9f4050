// What a caller may change on an API key (PATCH). Narrower than the store's ApiKeyPatch on purpose:
// the hash, prefix and revocation fields are the service's to set (rotate, revoke), never a caller's.
import type { ApiKey } from './types.ts';

export type ApiKeyChanges = Partial<Pick<ApiKey, 'name' | 'description' | 'permissions' | 'scopes' | 'rateLimitOverride' | 'expiresAt' | 'status'>>;

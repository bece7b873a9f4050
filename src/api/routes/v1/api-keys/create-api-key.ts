import { Type } from '@sinclair/typebox';
import type { ResourceScope } from '../../../../engine/accounts/types.ts';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { API_KEYS, metadata } from '../../../policy.ts';
import { toIssuedApiKey } from '../../../presenters/api-key.ts';
import { APIKeyCreateRequest, APIKeyCreateResponse } from '../../../schemas/api-keys.ts';
import { UserEmailParams } from '../../../schemas/users.ts';

export default defineOperation({
  operationId: 'create_api_key_v1_organizations_users__user_email__api_keys_post',
  method: 'POST',
  url: '',
  // Your own keys need `write`; another user's need `admin` (checked by the service).
  policy: metadata('write', API_KEYS),
  schema: {
    tags: ['Organization API Keys'],
    summary: 'Create API Key',
    description: 'Create a key for a user. The plaintext `key` is in this response only; Tessera stores its SHA-256.',
    params: UserEmailParams,
    body: Type.Ref(APIKeyCreateRequest),
    response: { 200: Type.Ref(APIKeyCreateResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const body = request.body;
    const issued = await request.server.services.apiKeys.create(scope, request.params.user_email, {
      name: body.name,
      description: body.description ?? '',
      permissions: body.permissions ?? ['read'],
      scopes: (body.scopes ?? []) as ResourceScope[],
      rateLimitOverride: body.rate_limit_override ?? null,
      expiresAt: body.expires_at ? new Date(body.expires_at).toISOString() : null,
    });
    return toIssuedApiKey(issued, scope.organization.organizationId);
  },
});

import { Type } from '@sinclair/typebox';
import type { ApiKeyChanges } from '../../../../engine/accounts/api-key-commands.ts';
import type { ResourceScope } from '../../../../engine/accounts/types.ts';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { API_KEYS, metadata } from '../../../policy.ts';
import { toApiKeyModel } from '../../../presenters/api-key.ts';
import { APIKeyModel, APIKeyUpdateRequest, ApiKeyParams, type APIKeyUpdateRequestBody } from '../../../schemas/api-keys.ts';

export default defineOperation({
  operationId: 'update_api_key_v1_organizations_users__user_email__api_keys__key_name__patch',
  method: 'PATCH',
  url: '/:key_name',
  policy: metadata('write', API_KEYS),
  schema: {
    tags: ['Organization API Keys'],
    summary: 'Update API Key',
    description: "Update a key's name, description, permissions, scopes, rate-limit override, expiry or status. The 'admin-key' cannot be changed.",
    params: ApiKeyParams,
    body: Type.Ref(APIKeyUpdateRequest),
    response: { 200: Type.Ref(APIKeyModel, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const { user_email, key_name } = request.params;
    const key = await request.server.services.apiKeys.update(scope, user_email, key_name, toChanges(request.body));
    return toApiKeyModel(key, scope.organization.organizationId);
  },
});

/** null clears nullable fields (expires_at, rate_limit_override) and is ignored for the rest. */
function toChanges(body: APIKeyUpdateRequestBody): ApiKeyChanges {
  const changes: ApiKeyChanges = {};
  if (body.name != null) changes.name = body.name;
  if (body.description !== undefined) changes.description = body.description ?? '';
  if (body.permissions != null) changes.permissions = [...new Set(body.permissions)];
  if (body.scopes !== undefined) changes.scopes = (body.scopes ?? []) as ResourceScope[];
  if (body.rate_limit_override !== undefined) changes.rateLimitOverride = body.rate_limit_override;
  if (body.expires_at !== undefined) changes.expiresAt = body.expires_at === null ? null : new Date(body.expires_at).toISOString();
  if (body.status != null) changes.status = body.status;
  return changes;
}

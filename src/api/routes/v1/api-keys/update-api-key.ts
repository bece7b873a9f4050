import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ResourceScope } from '../../../../engine/accounts/types.ts';
import type { ApiKeyPatch } from '../../../../engine/accounts/account-repositories.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { requestScope } from '../../../plugins/authentication.ts';
import { toApiKeyModel } from '../../../presenters/api-key.ts';
import { APIKeyModel, APIKeyUpdateRequest, ApiKeyParams, type APIKeyUpdateRequestBody } from '../../../schemas/api-keys.ts';

const updateApiKey: FastifyPluginAsyncTypebox = async (app) => {
  app.patch(
    '/:key_name',
    {
      schema: {
        operationId: 'update_api_key_v1_organizations_users__user_email__api_keys__key_name__patch',
        tags: ['Organization API Keys'],
        summary: 'Update API Key',
        description: "Update a key's name, description, permissions, scopes, rate-limit override, expiry or status. The 'admin-key' cannot be changed.",
        params: ApiKeyParams,
        body: Type.Ref(APIKeyUpdateRequest),
        response: { 200: Type.Ref(APIKeyModel, { description: 'Successful Response' }), 409: errorResponse(409) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const { user_email, key_name } = request.params;
      const key = await app.services.apiKeys.update(scope, user_email, key_name, toPatch(request.body));
      return toApiKeyModel(key, scope.organization.organizationId);
    },
  );
};

/** null clears nullable fields (expires_at, rate_limit_override) and is ignored for the rest. */
function toPatch(body: APIKeyUpdateRequestBody): ApiKeyPatch {
  const patch: ApiKeyPatch = {};
  if (body.name != null) patch.name = body.name;
  if (body.description !== undefined) patch.description = body.description ?? '';
  if (body.permissions != null) patch.permissions = [...new Set(body.permissions)];
  if (body.scopes !== undefined) patch.scopes = (body.scopes ?? []) as ResourceScope[];
  if (body.rate_limit_override !== undefined) patch.rateLimitOverride = body.rate_limit_override;
  if (body.expires_at !== undefined) patch.expiresAt = body.expires_at === null ? null : new Date(body.expires_at).toISOString();
  if (body.status != null) patch.status = body.status;
  return patch;
}

export default updateApiKey;

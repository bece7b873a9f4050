import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ResourceScope } from '../../../../engine/accounts/types.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { requestScope } from '../../../plugins/authentication.ts';
import { toApiKeyModel } from '../../../presenters/api-key.ts';
import { APIKeyCreateRequest, APIKeyCreateResponse } from '../../../schemas/api-keys.ts';
import { UserEmailParams } from '../../../schemas/users.ts';

const createApiKey: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '',
    {
      schema: {
        operationId: 'create_api_key_v1_organizations_users__user_email__api_keys_post',
        tags: ['Organization API Keys'],
        summary: 'Create API Key',
        description: 'Create a key for a user. The plaintext `key` is in this response only; Tessera stores its SHA-256.',
        params: UserEmailParams,
        body: Type.Ref(APIKeyCreateRequest),
        response: { 200: Type.Ref(APIKeyCreateResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const body = request.body;
      const { apiKey, secret } = await app.services.apiKeys.create(scope, request.params.user_email, {
        name: body.name,
        description: body.description ?? '',
        permissions: body.permissions ?? ['read'],
        scopes: (body.scopes ?? []) as ResourceScope[],
        rateLimitOverride: body.rate_limit_override ?? null,
        expiresAt: body.expires_at ? new Date(body.expires_at).toISOString() : null,
      });
      return { ...toApiKeyModel(apiKey, scope.organization.organizationId), key: secret };
    },
  );
};

export default createApiKey;

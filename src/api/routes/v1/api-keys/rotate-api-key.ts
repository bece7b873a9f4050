import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { toApiKeyModel } from '../../../presenters/api-key.ts';
import { APIKeyCreateResponse, ApiKeyParams } from '../../../schemas/api-keys.ts';

const rotateApiKey: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:key_name/rotate',
    {
      schema: {
        operationId: 'rotate_api_key_v1_organizations_users__user_email__api_keys__key_name__rotate_post',
        tags: ['Organization API Keys'],
        summary: 'Rotate API Key',
        description: 'Issue a new secret for the key. The old secret stops working immediately.',
        params: ApiKeyParams,
        response: { 200: Type.Ref(APIKeyCreateResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const { apiKey, secret } = await app.services.apiKeys.rotate(scope, request.params.user_email, request.params.key_name);
      return { ...toApiKeyModel(apiKey, scope.organization.organizationId), key: secret };
    },
  );
};

export default rotateApiKey;

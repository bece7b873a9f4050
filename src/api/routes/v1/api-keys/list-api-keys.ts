import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { toApiKeyModel } from '../../../presenters/api-key.ts';
import { APIKeyListResponse, ApiKeyListQuery } from '../../../schemas/api-keys.ts';
import { UserEmailParams } from '../../../schemas/users.ts';

const listApiKeys: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'list_api_keys_v1_organizations_users__user_email__api_keys_get',
        tags: ['Organization API Keys'],
        summary: 'List API Keys',
        params: UserEmailParams,
        querystring: ApiKeyListQuery,
        response: { 200: Type.Ref(APIKeyListResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const keys = await app.services.apiKeys.list(scope, request.params.user_email, request.query.include_revoked);
      return { results: keys.map((k) => toApiKeyModel(k, scope.organization.organizationId)), total: keys.length };
    },
  );
};

export default listApiKeys;

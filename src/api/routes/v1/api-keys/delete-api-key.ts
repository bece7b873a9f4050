import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { ApiKeyParams } from '../../../schemas/api-keys.ts';
import { GenericSuccessResponse } from '../../../schemas/errors.ts';

const deleteApiKey: FastifyPluginAsyncTypebox = async (app) => {
  app.delete(
    '/:key_name',
    {
      schema: {
        operationId: 'delete_api_key_v1_organizations_users__user_email__api_keys__key_name__delete',
        tags: ['Organization API Keys'],
        summary: 'Delete API Key',
        description: 'Revoke a key: it stops authenticating at once and stays listed with `include_revoked=true`.',
        params: ApiKeyParams,
        response: { 200: Type.Ref(GenericSuccessResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      await app.services.apiKeys.revoke(requestScope(request), request.params.user_email, request.params.key_name);
      return { message: 'Successfully completed', success: true };
    },
  );
};

export default deleteApiKey;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { ApiKeyUsageResponse, KeyIdParams, UsageRangeQuery } from '../../../schemas/billing.ts';

const getApiKeyUsage: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api-keys/:key_id/usage',
    {
      schema: {
        operationId: 'get_api_key_usage_v1_organizations_api_keys__key_id__usage_get',
        tags: ['Organization Usage'],
        summary: 'Get Api Key Usage',
        description: "Requests and credits of one key. Your own key needs `read`; another user's key needs `admin`.",
        params: KeyIdParams,
        querystring: UsageRangeQuery,
        response: { 200: Type.Ref(ApiKeyUsageResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const usage = app.services.usage;
      return usage.keyUsage(scope, request.params.key_id, usage.range(scope, request.query));
    },
  );
};

export default getApiKeyUsage;

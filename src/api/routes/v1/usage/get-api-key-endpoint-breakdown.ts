import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { EndpointUsage, KeyIdParams, UsageRangeQuery } from '../../../schemas/billing.ts';

const getApiKeyEndpointBreakdown: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api-keys/:key_id/usage/endpoints',
    {
      schema: {
        operationId: 'get_api_key_endpoint_breakdown_v1_organizations_api_keys__key_id__usage_endpoints_get',
        tags: ['Organization Usage'],
        summary: 'Get Api Key Endpoint Breakdown',
        description: 'Requests, errors and credits of one key per endpoint (operationId).',
        params: KeyIdParams,
        querystring: UsageRangeQuery,
        response: { 200: Type.Array(Type.Ref(EndpointUsage), { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const usage = app.services.usage;
      const rows = await usage.keyEndpoints(scope, request.params.key_id, usage.range(scope, request.query));
      return rows.map((r) => ({
        endpoint: r.operationId,
        method: r.method,
        path: r.route,
        category: r.category,
        requests: r.requests,
        errors: r.errors,
        credits_used: r.creditsUsed,
        last_request_at: r.lastRequestAt,
      }));
    },
  );
};

export default getApiKeyEndpointBreakdown;

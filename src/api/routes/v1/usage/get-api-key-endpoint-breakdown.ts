import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { API_KEY, metadata } from '../../../policy.ts';
import { toEndpointUsage } from '../../../presenters/usage.ts';
import { EndpointUsage, KeyIdParams, UsageRangeQuery } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'get_api_key_endpoint_breakdown_v1_organizations_api_keys__key_id__usage_endpoints_get',
  method: 'GET',
  url: '/api-keys/:key_id/usage/endpoints',
  policy: metadata('read', API_KEY),
  schema: {
    tags: ['Organization Usage'],
    summary: 'Get Api Key Endpoint Breakdown',
    description: 'Requests, errors and credits of one key per endpoint (operationId).',
    params: KeyIdParams,
    querystring: UsageRangeQuery,
    response: { 200: Type.Array(Type.Ref(EndpointUsage), { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const usage = request.server.services.usage;
    const endpoints = await usage.keyEndpoints(scope, request.params.key_id, usage.range(scope, request.query));
    return endpoints.map(toEndpointUsage);
  },
});

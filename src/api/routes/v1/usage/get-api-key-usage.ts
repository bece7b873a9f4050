import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { API_KEY, metadata } from '../../../policy.ts';
import { toApiKeyUsage } from '../../../presenters/usage.ts';
import { ApiKeyUsageResponse, KeyIdParams, UsageRangeQuery } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'get_api_key_usage_v1_organizations_api_keys__key_id__usage_get',
  method: 'GET',
  url: '/api-keys/:key_id/usage',
  // Your own key's with `read`, another user's key with `admin` (checked by the service).
  policy: metadata('read', API_KEY),
  schema: {
    tags: ['Organization Usage'],
    summary: 'Get Api Key Usage',
    description: "Requests and credits of one key. Your own key needs `read`; another user's key needs `admin`.",
    params: KeyIdParams,
    querystring: UsageRangeQuery,
    response: { 200: Type.Ref(ApiKeyUsageResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const usage = request.server.services.usage;
    return toApiKeyUsage(await usage.keyUsage(scope, request.params.key_id, usage.range(scope, request.query)));
  },
});

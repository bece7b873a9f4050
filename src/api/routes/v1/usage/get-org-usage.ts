import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toOrganizationUsage } from '../../../presenters/usage.ts';
import { OrganizationUsageResponse, UsageRangeQuery } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'get_org_usage_v1_organizations_usage_get',
  method: 'GET',
  url: '/usage',
  policy: metadata('read'),
  schema: {
    tags: ['Organization Usage'],
    summary: 'Get Org Usage',
    description: 'Credits and requests of the organization between start and end (default: the current billing period so far).',
    querystring: UsageRangeQuery,
    response: { 200: Type.Ref(OrganizationUsageResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const usage = request.server.services.usage;
    return toOrganizationUsage(await usage.organizationUsage(scope, usage.range(scope, request.query)));
  },
});

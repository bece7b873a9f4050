import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toUsageBreakdown } from '../../../presenters/billing.ts';
import { UsageBreakdownQuery, UsageBreakdownResponse } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'get_usage_breakdown_v1_organizations_billing_usage_breakdown_get',
  method: 'GET',
  url: '/usage/breakdown',
  policy: metadata('read'),
  schema: {
    tags: ['Organization Billing'],
    summary: 'Get Usage Breakdown',
    description: 'Credits spent in a billing month, by operation.',
    querystring: UsageBreakdownQuery,
    response: { 200: Type.Ref(UsageBreakdownResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toUsageBreakdown(await request.server.services.usage.breakdown(scope, request.query.billing_month)),
});

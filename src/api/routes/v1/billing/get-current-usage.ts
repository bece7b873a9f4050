import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toCurrentUsage } from '../../../presenters/billing.ts';
import { CurrentUsageResponse } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'get_current_usage_v1_organizations_billing_usage_current_get',
  method: 'GET',
  url: '/usage/current',
  policy: metadata('read'),
  schema: {
    tags: ['Organization Billing'],
    summary: 'Get Current Usage',
    description: 'Credits spent in the current billing period and their price at $0.001 per credit.',
    response: { 200: Type.Ref(CurrentUsageResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toCurrentUsage(await request.server.services.usage.currentUsage(scope)),
});

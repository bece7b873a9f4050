import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toSpendingCaps } from '../../../presenters/billing.ts';
import { SpendingCapsResponse } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'get_spending_caps_v1_organizations_billing_spending_caps_get',
  method: 'GET',
  url: '/spending-caps',
  policy: metadata('read'),
  schema: {
    tags: ['Organization Billing'],
    summary: 'Get Spending Caps',
    response: { 200: Type.Ref(SpendingCapsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toSpendingCaps(await request.server.services.usage.spendingCaps(scope)),
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toCreditBalance } from '../../../presenters/billing.ts';
import { CreditBalanceResponse } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'get_credit_balance_v1_organizations_billing_balance_get',
  method: 'GET',
  url: '/balance',
  policy: metadata('read'),
  schema: {
    tags: ['Organization Billing'],
    summary: 'Get Credit Balance',
    description: 'Balance, tier, the next tier a free organization reaches by top-up, and the 7-day burn rate.',
    response: { 200: Type.Ref(CreditBalanceResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toCreditBalance(await request.server.services.usage.balance(scope)),
});

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { CreditBalanceResponse } from '../../../schemas/billing.ts';

const getCreditBalance: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/balance',
    {
      schema: {
        operationId: 'get_credit_balance_v1_organizations_billing_balance_get',
        tags: ['Organization Billing'],
        summary: 'Get Credit Balance',
        description: 'Balance, tier, the next tier a free organization reaches by top-up, and the 7-day burn rate.',
        response: { 200: Type.Ref(CreditBalanceResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => app.services.usage.balance(requestScope(request)),
  );
};

export default getCreditBalance;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { UsageBreakdownQuery, UsageBreakdownResponse } from '../../../schemas/billing.ts';

const getUsageBreakdown: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/usage/breakdown',
    {
      schema: {
        operationId: 'get_usage_breakdown_v1_organizations_billing_usage_breakdown_get',
        tags: ['Organization Billing'],
        summary: 'Get Usage Breakdown',
        description: 'Credits spent in a billing month, by operation.',
        querystring: UsageBreakdownQuery,
        response: { 200: Type.Ref(UsageBreakdownResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => app.services.usage.breakdown(requestScope(request), request.query.billing_month),
  );
};

export default getUsageBreakdown;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { CurrentUsageResponse } from '../../../schemas/billing.ts';

const getCurrentUsage: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/usage/current',
    {
      schema: {
        operationId: 'get_current_usage_v1_organizations_billing_usage_current_get',
        tags: ['Organization Billing'],
        summary: 'Get Current Usage',
        description: 'Credits spent in the current billing period and their price at $0.001 per credit.',
        response: { 200: Type.Ref(CurrentUsageResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => app.services.usage.currentUsage(requestScope(request)),
  );
};

export default getCurrentUsage;

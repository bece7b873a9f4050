import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { OrganizationUsageResponse, UsageRangeQuery } from '../../../schemas/billing.ts';

const getOrgUsage: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/usage',
    {
      schema: {
        operationId: 'get_org_usage_v1_organizations_usage_get',
        tags: ['Organization Usage'],
        summary: 'Get Org Usage',
        description: 'Credits and requests of the organization between start and end (default: the current billing period so far).',
        querystring: UsageRangeQuery,
        response: { 200: Type.Ref(OrganizationUsageResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const usage = app.services.usage;
      return usage.organizationUsage(scope, usage.range(scope, request.query));
    },
  );
};

export default getOrgUsage;

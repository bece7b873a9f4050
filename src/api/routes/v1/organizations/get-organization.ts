import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestPrincipal } from '../../../plugins/authentication.ts';
import { toOrganizationResponse } from '../../../presenters/organization.ts';
import { errorResponses } from '../../../schemas/errors.ts';
import { OrganizationModelResponse } from '../../../schemas/organizations.ts';

const getOrganization: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'get_organization_v1_organizations_get',
        tags: ['Organizations'],
        summary: 'Get Organization',
        description: 'Get current organization details.\n\nSecurity: infrastructure configuration is NOT exposed via this endpoint.',
        response: { 200: Type.Ref(OrganizationModelResponse, { description: 'Successful Response' }), ...errorResponses() },
      },
    },
    async (request) => {
      const view = await app.services.organizations.get(requestPrincipal(request));
      return toOrganizationResponse(view, app.publicUrl);
    },
  );
};

export default getOrganization;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { OrganizationView } from '../../../../engine/accounts/types.ts';
import { requestScope } from '../../../plugins/authentication.ts';
import { toOrganizationResponse } from '../../../presenters/organization.ts';
import { OrganizationModelResponse } from '../../../schemas/organizations.ts';

/**
 * The serialized body per cached view: while the engine serves the same view object (until a write
 * or its TTL replaces it), the response is the same bytes, so they are produced once.
 */
const serializedViews = new WeakMap<OrganizationView, string>();

const getOrganization: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'get_organization_v1_organizations_get',
        tags: ['Organizations'],
        summary: 'Get Organization',
        description: 'Get current organization details.\n\nSecurity: infrastructure configuration is NOT exposed via this endpoint.',
        response: { 200: Type.Ref(OrganizationModelResponse, { description: 'Successful Response' }) },
      },
    },
    async (request, reply) => {
      const view = await app.services.organizations.get(requestScope(request));
      let body = serializedViews.get(view);
      if (body === undefined) {
        // The route's own response serializer: the cached bytes carry exactly the schema's fields.
        body = reply.serialize(toOrganizationResponse(view, app.publicUrl)) as string;
        serializedViews.set(view, body);
      }
      // A string body is sent as is (already serialized above).
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );
};

export default getOrganization;

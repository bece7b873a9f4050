import { Type } from '@sinclair/typebox';
import type { OrganizationView } from '../../../../engine/accounts/types.ts';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toOrganizationResponse } from '../../../presenters/organization.ts';
import { OrganizationModelResponse } from '../../../schemas/organizations.ts';

/**
 * The serialized body per cached view: while the engine serves the same view object (until a write
 * or its TTL replaces it), the response is the same bytes, so they are produced once.
 */
const serializedViews = new WeakMap<OrganizationView, string>();

export default defineOperation({
  operationId: 'get_organization_v1_organizations_get',
  method: 'GET',
  url: '',
  // Scoped keys may read their own organization whatever their scopes: clients check a key this way.
  policy: { ...metadata('read'), openToScopedKeys: true },
  schema: {
    tags: ['Organizations'],
    summary: 'Get Organization',
    description: 'Get current organization details.\n\nSecurity: infrastructure configuration is NOT exposed via this endpoint.',
    response: { 200: Type.Ref(OrganizationModelResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope, reply) => {
    const view = await request.server.services.organizations.get(scope);
    let body = serializedViews.get(view);
    if (body === undefined) {
      // The route's own response serializer: the cached bytes carry exactly the schema's fields.
      body = reply.serialize(toOrganizationResponse(view, request.server.publicUrl)) as string;
      serializedViews.set(view, body);
    }
    // A string body is sent as is (already serialized above).
    return reply.type('application/json; charset=utf-8').send(body as never);
  },
});

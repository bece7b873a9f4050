import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { OrganizationPatch } from '../../../../engine/ports/metadata-store.ts';
import { requestPrincipal } from '../../../plugins/authentication.ts';
import { toOrganizationResponse } from '../../../presenters/organization.ts';
import { OrganizationModelResponse, OrganizationUpdateRequest, type OrganizationUpdateRequestBody } from '../../../schemas/organizations.ts';

const updateOrganization: FastifyPluginAsyncTypebox = async (app) => {
  app.patch(
    '',
    {
      schema: {
        operationId: 'update_organization_v1_organizations_patch',
        tags: ['Organizations'],
        summary: 'Update Organization',
        description: 'Update organization settings (admin). `metadata` replaces the whole object; `rate_limits` updates the categories it names.',
        body: Type.Ref(OrganizationUpdateRequest),
        response: { 200: Type.Ref(OrganizationModelResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const principal = requestPrincipal(request);
      const patch = toPatch(request.body as OrganizationUpdateRequestBody, principal.organization.rateLimits);
      const view = await app.services.organizations.update(principal, patch);
      return toOrganizationResponse(view, app.publicUrl);
    },
  );
};

/** null means "leave as is" for required fields (as in Mixpeek) and "clear" for nullable ones. */
function toPatch(body: OrganizationUpdateRequestBody, currentLimits: OrganizationPatch['rateLimits']): OrganizationPatch {
  const patch: OrganizationPatch = {};
  if (body.organization_name != null) patch.organizationName = body.organization_name;
  if (body.logo_url !== undefined) patch.logoUrl = body.logo_url;
  if (body.billing_email !== undefined) patch.billingEmail = body.billing_email;
  if (body.metadata != null) patch.metadata = body.metadata;
  if (body.rate_limits != null && currentLimits) patch.rateLimits = { ...currentLimits, ...body.rate_limits };
  return patch;
}

export default updateOrganization;

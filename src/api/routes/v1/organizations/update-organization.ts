import { Type } from '@sinclair/typebox';
import type { OrganizationChanges } from '../../../../engine/accounts/organization-service.ts';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toOrganizationResponse } from '../../../presenters/organization.ts';
import { OrganizationModelResponse, OrganizationUpdateRequest, type OrganizationUpdateRequestBody } from '../../../schemas/organizations.ts';

export default defineOperation({
  operationId: 'update_organization_v1_organizations_patch',
  method: 'PATCH',
  url: '',
  policy: metadata('admin'),
  schema: {
    tags: ['Organizations'],
    summary: 'Update Organization',
    description: 'Update organization settings (admin). `metadata` replaces the whole object; `rate_limits` updates the categories it names.',
    body: Type.Ref(OrganizationUpdateRequest),
    response: { 200: Type.Ref(OrganizationModelResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const view = await request.server.services.organizations.update(scope, toChanges(request.body as OrganizationUpdateRequestBody));
    return toOrganizationResponse(view, request.server.publicUrl);
  },
});

/** null means "leave as is" for required fields (as in Mixpeek) and "clear" for nullable ones. */
function toChanges(body: OrganizationUpdateRequestBody): OrganizationChanges {
  const changes: OrganizationChanges = {};
  if (body.organization_name != null) changes.organizationName = body.organization_name;
  if (body.logo_url !== undefined) changes.logoUrl = body.logo_url;
  if (body.billing_email !== undefined) changes.billingEmail = body.billing_email;
  if (body.metadata != null) changes.metadata = body.metadata;
  if (body.rate_limits != null) changes.rateLimits = body.rate_limits;
  return changes;
}

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toAddCreditsResponse } from '../../../presenters/organization.ts';
import { AddCreditsRequest, AddCreditsResponse, type AddCreditsRequestBody } from '../../../schemas/organizations.ts';

export default defineOperation({
  operationId: 'add_credits_v1_organizations_credits_post',
  method: 'POST',
  url: '/credits',
  policy: metadata('admin'),
  schema: {
    tags: ['Organizations'],
    summary: 'Add Credits',
    description: 'Add credits to the organization (admin). A free organization whose balance reaches 100,000 becomes pro; 1,000,000 becomes team.',
    body: Type.Ref(AddCreditsRequest),
    response: { 200: Type.Ref(AddCreditsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { credits } = request.body as AddCreditsRequestBody;
    const topUp = await request.server.services.credits.topUp(scope, credits);
    return toAddCreditsResponse(topUp);
  },
});

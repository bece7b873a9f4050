import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { AddCreditsRequest, AddCreditsResponse, type AddCreditsRequestBody } from '../../../schemas/organizations.ts';

const addCredits: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/credits',
    {
      schema: {
        operationId: 'add_credits_v1_organizations_credits_post',
        tags: ['Organizations'],
        summary: 'Add Credits',
        description: 'Add credits to the organization (admin). A free organization whose balance reaches 100,000 becomes pro; 1,000,000 becomes team.',
        body: Type.Ref(AddCreditsRequest),
        response: { 200: Type.Ref(AddCreditsResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const { credits } = request.body as AddCreditsRequestBody;
      const scope = requestScope(request);
      const r = await app.services.credits.topUp(scope, credits);
      return {
        previous_balance: r.previousBalance,
        credits_added: r.creditsAdded,
        new_balance: r.newBalance,
        previous_tier: r.previousTier,
        new_tier: r.newTier,
        tier_upgraded: r.tierUpgraded,
      };
    },
  );
};

export default addCredits;

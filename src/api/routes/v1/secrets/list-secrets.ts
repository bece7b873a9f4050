import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { SecretsListResponse } from '../../../schemas/secrets.ts';

const listSecrets: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'list_secrets_v1_organizations_secrets_get',
        tags: ['Organization Secrets'],
        summary: 'List Secrets',
        description: "The names of the organization's secrets, in name order; never their values.",
        response: { 200: Type.Ref(SecretsListResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const secrets = await app.services.secrets.list(requestScope(request));
      return { secrets, count: secrets.length };
    },
  );
};

export default listSecrets;

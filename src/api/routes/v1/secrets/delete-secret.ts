import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { SecretNameParams, SecretResponse } from '../../../schemas/secrets.ts';

const deleteSecret: FastifyPluginAsyncTypebox = async (app) => {
  app.delete(
    '/:secret_name',
    {
      schema: {
        operationId: 'delete_secret_v1_organizations_secrets__secret_name__delete',
        tags: ['Organization Secrets'],
        summary: 'Delete Secret',
        description: 'Delete a secret (admin); it cannot be recovered.',
        params: SecretNameParams,
        response: { 200: Type.Ref(SecretResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const { secret_name } = request.params;
      await app.services.secrets.delete(requestScope(request), secret_name);
      return { secret_name, deleted: true };
    },
  );
};

export default deleteSecret;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { SecretNameParams, SecretResponse, UpdateSecretRequest } from '../../../schemas/secrets.ts';

const updateSecret: FastifyPluginAsyncTypebox = async (app) => {
  app.put(
    '/:secret_name',
    {
      schema: {
        operationId: 'update_secret_v1_organizations_secrets__secret_name__put',
        tags: ['Organization Secrets'],
        summary: 'Update Secret',
        description: 'Replace the value of an existing secret (admin); the old value is overwritten with no history.',
        params: SecretNameParams,
        body: Type.Ref(UpdateSecretRequest),
        response: { 200: Type.Ref(SecretResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const { secret_name } = request.params;
      await app.services.secrets.update(requestScope(request), secret_name, request.body.secret_value);
      return { secret_name, updated: true };
    },
  );
};

export default updateSecret;

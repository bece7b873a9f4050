import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { requestScope } from '../../../plugins/authentication.ts';
import { CreateSecretRequest, SecretResponse } from '../../../schemas/secrets.ts';

const createSecret: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '',
    {
      schema: {
        operationId: 'create_secret_v1_organizations_secrets_post',
        tags: ['Organization Secrets'],
        summary: 'Create Secret',
        description: 'Store a secret (admin). The value is encrypted at rest (AES-256-GCM) and never returned; 409 if the name is taken.',
        body: Type.Ref(CreateSecretRequest),
        response: { 201: Type.Ref(SecretResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
      },
    },
    async (request, reply) => {
      const { secret_name, secret_value } = request.body;
      await app.services.secrets.create(requestScope(request), secret_name, secret_value);
      return reply.code(201).send({ secret_name, created: true });
    },
  );
};

export default createSecret;

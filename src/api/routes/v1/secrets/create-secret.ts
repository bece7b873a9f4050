import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { metadata } from '../../../policy.ts';
import { toSecretResponse } from '../../../presenters/secret.ts';
import { CreateSecretRequest, SecretResponse } from '../../../schemas/secrets.ts';

export default defineOperation({
  operationId: 'create_secret_v1_organizations_secrets_post',
  method: 'POST',
  url: '',
  // Values go in with `admin` and never come out.
  policy: metadata('admin'),
  schema: {
    tags: ['Organization Secrets'],
    summary: 'Create Secret',
    description: 'Store a secret (admin). The value is encrypted at rest (AES-256-GCM) and never returned; 409 if the name is taken.',
    body: Type.Ref(CreateSecretRequest),
    response: { 201: Type.Ref(SecretResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope, reply) => {
    const { secret_name, secret_value } = request.body;
    await request.server.services.secrets.create(scope, secret_name, secret_value);
    return reply.code(201).send(toSecretResponse(secret_name, 'created'));
  },
});

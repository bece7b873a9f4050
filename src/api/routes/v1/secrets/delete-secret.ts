import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toSecretResponse } from '../../../presenters/secret.ts';
import { SecretNameParams, SecretResponse } from '../../../schemas/secrets.ts';

export default defineOperation({
  operationId: 'delete_secret_v1_organizations_secrets__secret_name__delete',
  method: 'DELETE',
  url: '/:secret_name',
  policy: metadata('admin'),
  schema: {
    tags: ['Organization Secrets'],
    summary: 'Delete Secret',
    description: 'Delete a secret (admin); it cannot be recovered.',
    params: SecretNameParams,
    response: { 200: Type.Ref(SecretResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { secret_name } = request.params;
    await request.server.services.secrets.delete(scope, secret_name);
    return toSecretResponse(secret_name, 'deleted');
  },
});

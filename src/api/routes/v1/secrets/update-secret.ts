import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toSecretResponse } from '../../../presenters/secret.ts';
import { SecretNameParams, SecretResponse, UpdateSecretRequest } from '../../../schemas/secrets.ts';

export default defineOperation({
  operationId: 'update_secret_v1_organizations_secrets__secret_name__put',
  method: 'PUT',
  url: '/:secret_name',
  policy: metadata('admin'),
  schema: {
    tags: ['Organization Secrets'],
    summary: 'Update Secret',
    description: 'Replace the value of an existing secret (admin); the old value is overwritten with no history.',
    params: SecretNameParams,
    body: Type.Ref(UpdateSecretRequest),
    response: { 200: Type.Ref(SecretResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { secret_name } = request.params;
    await request.server.services.secrets.update(scope, secret_name, request.body.secret_value);
    return toSecretResponse(secret_name, 'updated');
  },
});

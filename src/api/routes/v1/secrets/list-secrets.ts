import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toSecretList } from '../../../presenters/secret.ts';
import { SecretsListResponse } from '../../../schemas/secrets.ts';

export default defineOperation({
  operationId: 'list_secrets_v1_organizations_secrets_get',
  method: 'GET',
  url: '',
  // Names are listed with `read`; values never leave.
  policy: metadata('read'),
  schema: {
    tags: ['Organization Secrets'],
    summary: 'List Secrets',
    description: "The names of the organization's secrets, in name order; never their values.",
    response: { 200: Type.Ref(SecretsListResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toSecretList(await request.server.services.secrets.list(scope)),
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { API_KEYS, metadata } from '../../../policy.ts';
import { toSuccess } from '../../../presenters/success.ts';
import { ApiKeyParams } from '../../../schemas/api-keys.ts';
import { GenericSuccessResponse } from '../../../schemas/errors.ts';

export default defineOperation({
  operationId: 'delete_api_key_v1_organizations_users__user_email__api_keys__key_name__delete',
  method: 'DELETE',
  url: '/:key_name',
  policy: metadata('write', API_KEYS),
  schema: {
    tags: ['Organization API Keys'],
    summary: 'Delete API Key',
    description: 'Revoke a key: it stops authenticating at once and stays listed with `include_revoked=true`.',
    params: ApiKeyParams,
    response: { 200: Type.Ref(GenericSuccessResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    await request.server.services.apiKeys.revoke(scope, request.params.user_email, request.params.key_name);
    return toSuccess();
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { API_KEYS, metadata } from '../../../policy.ts';
import { toIssuedApiKey } from '../../../presenters/api-key.ts';
import { APIKeyCreateResponse, ApiKeyParams } from '../../../schemas/api-keys.ts';

export default defineOperation({
  operationId: 'rotate_api_key_v1_organizations_users__user_email__api_keys__key_name__rotate_post',
  method: 'POST',
  url: '/:key_name/rotate',
  policy: metadata('write', API_KEYS),
  schema: {
    tags: ['Organization API Keys'],
    summary: 'Rotate API Key',
    description: 'Issue a new secret for the key. The old secret stops working immediately.',
    params: ApiKeyParams,
    response: { 200: Type.Ref(APIKeyCreateResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const issued = await request.server.services.apiKeys.rotate(scope, request.params.user_email, request.params.key_name);
    return toIssuedApiKey(issued, scope.organization.organizationId);
  },
});

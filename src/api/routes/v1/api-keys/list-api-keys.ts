import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { API_KEYS, metadata } from '../../../policy.ts';
import { toApiKeyList } from '../../../presenters/api-key.ts';
import { APIKeyListResponse, ApiKeyListQuery } from '../../../schemas/api-keys.ts';
import { UserEmailParams } from '../../../schemas/users.ts';

export default defineOperation({
  operationId: 'list_api_keys_v1_organizations_users__user_email__api_keys_get',
  method: 'GET',
  url: '',
  policy: metadata('read', API_KEYS),
  schema: {
    tags: ['Organization API Keys'],
    summary: 'List API Keys',
    params: UserEmailParams,
    querystring: ApiKeyListQuery,
    response: { 200: Type.Ref(APIKeyListResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const keys = await request.server.services.apiKeys.list(scope, request.params.user_email, request.query.include_revoked);
    return toApiKeyList(keys, scope.organization.organizationId);
  },
});

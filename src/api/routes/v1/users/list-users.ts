import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata, USERS } from '../../../policy.ts';
import { toUserList } from '../../../presenters/user.ts';
import { UserListQuery, UserListResponse } from '../../../schemas/users.ts';

export default defineOperation({
  operationId: 'list_users_v1_organizations_users_get',
  method: 'GET',
  url: '',
  policy: metadata('read', USERS),
  schema: {
    tags: ['Organization Users'],
    summary: 'List Users',
    querystring: UserListQuery,
    response: { 200: Type.Ref(UserListResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { skip, limit, role, status } = request.query;
    const page = await request.server.services.users.list(scope, { skip, limit, ...(role ? { role } : {}), ...(status ? { status } : {}) });
    return toUserList(page, { skip, limit }, scope.organization.organizationId);
  },
});

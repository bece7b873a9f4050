import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata, USER } from '../../../policy.ts';
import { toUserModel } from '../../../presenters/user.ts';
import { UserEmailParams, UserModel } from '../../../schemas/users.ts';

export default defineOperation({
  operationId: 'get_user_v1_organizations_users__user_email__get',
  method: 'GET',
  url: '/:user_email',
  policy: metadata('read', USER),
  schema: {
    tags: ['Organization Users'],
    summary: 'Get User',
    params: UserEmailParams,
    response: { 200: Type.Ref(UserModel, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const user = await request.server.services.users.get(scope, request.params.user_email);
    return toUserModel(user, scope.organization.organizationId);
  },
});

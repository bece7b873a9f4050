import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { metadata, USERS } from '../../../policy.ts';
import { toUserModel } from '../../../presenters/user.ts';
import { UserCreateRequest, UserModel } from '../../../schemas/users.ts';

export default defineOperation({
  operationId: 'create_user_v1_organizations_users_post',
  method: 'POST',
  url: '',
  policy: metadata('admin', USERS),
  schema: {
    tags: ['Organization Users'],
    summary: 'Create User',
    description: 'Add a user to the organization (admin). Emails are unique per organization (409 otherwise).',
    body: Type.Ref(UserCreateRequest),
    response: { 200: Type.Ref(UserModel, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const body = request.body;
    const user = await request.server.services.users.create(scope, {
      email: body.email,
      userName: body.user_name,
      avatarUrl: body.avatar_url ?? null,
      role: body.role ?? 'member',
      metadata: body.metadata ?? {},
    });
    return toUserModel(user, scope.organization.organizationId);
  },
});

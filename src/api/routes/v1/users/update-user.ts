import { Type } from '@sinclair/typebox';
import type { UserChanges } from '../../../../engine/accounts/user-commands.ts';
import { defineOperation } from '../../../define-operation.ts';
import { metadata, USER } from '../../../policy.ts';
import { toUserModel } from '../../../presenters/user.ts';
import { UserEmailParams, UserModel, UserUpdateRequest, type UserUpdateRequestBody } from '../../../schemas/users.ts';

export default defineOperation({
  operationId: 'update_user_v1_organizations_users__user_email__patch',
  method: 'PATCH',
  url: '/:user_email',
  policy: metadata('admin', USER),
  schema: {
    tags: ['Organization Users'],
    summary: 'Update User',
    description: 'Update a user (admin). `metadata` replaces the whole object. The last active admin cannot be demoted or suspended.',
    params: UserEmailParams,
    body: Type.Ref(UserUpdateRequest),
    response: { 200: Type.Ref(UserModel, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const user = await request.server.services.users.update(scope, request.params.user_email, toChanges(request.body));
    return toUserModel(user, scope.organization.organizationId);
  },
});

/** null is ignored for required fields; avatar_url: null clears it. */
function toChanges(body: UserUpdateRequestBody): UserChanges {
  const changes: UserChanges = {};
  if (body.user_name != null) changes.userName = body.user_name;
  if (body.avatar_url !== undefined) changes.avatarUrl = body.avatar_url;
  if (body.role != null) changes.role = body.role;
  if (body.status != null) changes.status = body.status;
  if (body.metadata != null) changes.metadata = body.metadata;
  return changes;
}

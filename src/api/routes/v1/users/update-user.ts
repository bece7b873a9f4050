import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { UserPatch } from '../../../../engine/accounts/account-repositories.ts';
import { requestScope } from '../../../plugins/authentication.ts';
import { toUserModel } from '../../../presenters/user.ts';
import { UserEmailParams, UserModel, UserUpdateRequest, type UserUpdateRequestBody } from '../../../schemas/users.ts';

const updateUser: FastifyPluginAsyncTypebox = async (app) => {
  app.patch(
    '/:user_email',
    {
      schema: {
        operationId: 'update_user_v1_organizations_users__user_email__patch',
        tags: ['Organization Users'],
        summary: 'Update User',
        description: 'Update a user (admin). `metadata` replaces the whole object. The last active admin cannot be demoted or suspended.',
        params: UserEmailParams,
        body: Type.Ref(UserUpdateRequest),
        response: { 200: Type.Ref(UserModel, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const user = await app.services.users.update(scope, request.params.user_email, toPatch(request.body));
      return toUserModel(user, scope.organization.organizationId);
    },
  );
};

function toPatch(body: UserUpdateRequestBody): UserPatch {
  const patch: UserPatch = {};
  if (body.user_name != null) patch.userName = body.user_name;
  if (body.avatar_url !== undefined) patch.avatarUrl = body.avatar_url;
  if (body.role != null) patch.role = body.role;
  if (body.status != null) patch.status = body.status;
  if (body.metadata != null) patch.metadata = body.metadata;
  return patch;
}

export default updateUser;

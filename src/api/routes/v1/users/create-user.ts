import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { requestScope } from '../../../plugins/authentication.ts';
import { toUserModel } from '../../../presenters/user.ts';
import { UserCreateRequest, UserModel } from '../../../schemas/users.ts';

const createUser: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '',
    {
      schema: {
        operationId: 'create_user_v1_organizations_users_post',
        tags: ['Organization Users'],
        summary: 'Create User',
        description: 'Add a user to the organization (admin). Emails are unique per organization (409 otherwise).',
        body: Type.Ref(UserCreateRequest),
        response: { 200: Type.Ref(UserModel, { description: 'Successful Response' }), 409: errorResponse(409) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const body = request.body;
      const user = await app.services.users.create(scope, {
        email: body.email,
        userName: body.user_name,
        avatarUrl: body.avatar_url ?? null,
        role: body.role ?? 'member',
        metadata: body.metadata ?? {},
      });
      return toUserModel(user, scope.organization.organizationId);
    },
  );
};

export default createUser;

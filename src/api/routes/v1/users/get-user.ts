import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { toUserModel } from '../../../presenters/user.ts';
import { UserEmailParams, UserModel } from '../../../schemas/users.ts';

const getUser: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:user_email',
    {
      schema: {
        operationId: 'get_user_v1_organizations_users__user_email__get',
        tags: ['Organization Users'],
        summary: 'Get User',
        params: UserEmailParams,
        response: { 200: Type.Ref(UserModel, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const user = await app.services.users.get(scope, request.params.user_email);
      return toUserModel(user, scope.organization.organizationId);
    },
  );
};

export default getUser;

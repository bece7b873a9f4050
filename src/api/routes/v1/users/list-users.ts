import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { toUserModel } from '../../../presenters/user.ts';
import { UserListQuery, UserListResponse } from '../../../schemas/users.ts';

const listUsers: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'list_users_v1_organizations_users_get',
        tags: ['Organization Users'],
        summary: 'List Users',
        querystring: UserListQuery,
        response: { 200: Type.Ref(UserListResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const scope = requestScope(request);
      const { skip, limit, role, status } = request.query;
      const { users, total } = await app.services.users.list(scope, { skip, limit, ...(role ? { role } : {}), ...(status ? { status } : {}) });
      return { results: users.map((u) => toUserModel(u, scope.organization.organizationId)), total, skip, limit };
    },
  );
};

export default listUsers;

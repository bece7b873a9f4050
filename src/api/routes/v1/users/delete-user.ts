import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { GenericSuccessResponse } from '../../../schemas/errors.ts';
import { UserEmailParams } from '../../../schemas/users.ts';

const deleteUser: FastifyPluginAsyncTypebox = async (app) => {
  app.delete(
    '/:user_email',
    {
      schema: {
        operationId: 'delete_user_v1_organizations_users__user_email__delete',
        tags: ['Organization Users'],
        summary: 'Delete User',
        description: "Remove a user (admin) and revoke all of the user's API keys.",
        params: UserEmailParams,
        response: { 200: Type.Ref(GenericSuccessResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      await app.services.users.delete(requestScope(request), request.params.user_email);
      return { message: 'Successfully completed', success: true };
    },
  );
};

export default deleteUser;

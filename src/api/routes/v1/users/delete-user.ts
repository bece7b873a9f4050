import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata, USER } from '../../../policy.ts';
import { toSuccess } from '../../../presenters/success.ts';
import { GenericSuccessResponse } from '../../../schemas/errors.ts';
import { UserEmailParams } from '../../../schemas/users.ts';

export default defineOperation({
  operationId: 'delete_user_v1_organizations_users__user_email__delete',
  method: 'DELETE',
  url: '/:user_email',
  policy: metadata('admin', USER),
  schema: {
    tags: ['Organization Users'],
    summary: 'Delete User',
    description: "Remove a user (admin) and revoke all of the user's API keys.",
    params: UserEmailParams,
    response: { 200: Type.Ref(GenericSuccessResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    await request.server.services.users.delete(scope, request.params.user_email);
    return toSuccess();
  },
});

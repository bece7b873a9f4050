import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createUser from './create-user.ts';
import deleteUser from './delete-user.ts';
import getUser from './get-user.ts';
import listUsers from './list-users.ts';
import updateUser from './update-user.ts';

/** /v1/organizations/users: users of the calling key's organization, addressed by email. */
const users: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  await scope.register(createUser);
  await scope.register(listUsers);
  await scope.register(getUser);
  await scope.register(updateUser);
  await scope.register(deleteUser);
};

export default users;

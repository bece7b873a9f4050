import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createUser from './create-user.ts';
import deleteUser from './delete-user.ts';
import getUser from './get-user.ts';
import listUsers from './list-users.ts';
import updateUser from './update-user.ts';

export const userOperations = [createUser, listUsers, getUser, updateUser, deleteUser];

/** /v1/organizations/users: users of the calling key's organization, addressed by email. */
const users: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, userOperations);
};

export default users;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createApiKey from './create-api-key.ts';
import deleteApiKey from './delete-api-key.ts';
import listApiKeys from './list-api-keys.ts';
import rotateApiKey from './rotate-api-key.ts';
import updateApiKey from './update-api-key.ts';

/** /v1/organizations/users/{user_email}/api-keys: keys hang off a user and are addressed by name. */
const apiKeys: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  await scope.register(createApiKey);
  await scope.register(listApiKeys);
  await scope.register(updateApiKey);
  await scope.register(deleteApiKey);
  await scope.register(rotateApiKey);
};

export default apiKeys;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createApiKey from './create-api-key.ts';
import deleteApiKey from './delete-api-key.ts';
import listApiKeys from './list-api-keys.ts';
import rotateApiKey from './rotate-api-key.ts';
import updateApiKey from './update-api-key.ts';

export const apiKeyOperations = [createApiKey, listApiKeys, updateApiKey, deleteApiKey, rotateApiKey];

/** /v1/organizations/users/{user_email}/api-keys: keys hang off a user and are addressed by name. */
const apiKeys: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, apiKeyOperations);
};

export default apiKeys;

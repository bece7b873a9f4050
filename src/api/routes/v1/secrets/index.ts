import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createSecret from './create-secret.ts';
import deleteSecret from './delete-secret.ts';
import listSecrets from './list-secrets.ts';
import updateSecret from './update-secret.ts';

export const secretOperations = [createSecret, listSecrets, updateSecret, deleteSecret];

/** /v1/organizations/secrets: the calling key's organization's vault, addressed by secret name. */
const secrets: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, secretOperations);
};

export default secrets;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createSecret from './create-secret.ts';
import deleteSecret from './delete-secret.ts';
import listSecrets from './list-secrets.ts';
import updateSecret from './update-secret.ts';

/** /v1/organizations/secrets: the calling key's organization's vault, addressed by secret name. */
const secrets: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  await scope.register(createSecret);
  await scope.register(listSecrets);
  await scope.register(updateSecret);
  await scope.register(deleteSecret);
};

export default secrets;

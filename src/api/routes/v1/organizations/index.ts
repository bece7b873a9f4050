import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireApiKey } from '../../../plugins/authentication.ts';
import addCredits from './add-credits.ts';
import getOrganization from './get-organization.ts';
import updateOrganization from './update-organization.ts';

/** /v1/organizations: the calling key's organization (never another one). */
const organizations: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  await scope.register(getOrganization);
  await scope.register(updateOrganization);
  await scope.register(addCredits);
};

export default organizations;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import addCredits from './add-credits.ts';
import getOrganization from './get-organization.ts';
import updateOrganization from './update-organization.ts';

/** In catalogue order (docs/limits-and-credits.md lists them so). */
export const organizationOperations = [getOrganization, updateOrganization, addCredits];

/** /v1/organizations: the calling key's organization (never another one). */
const organizations: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, organizationOperations);
};

export default organizations;

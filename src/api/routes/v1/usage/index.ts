import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import getApiKeyEndpointBreakdown from './get-api-key-endpoint-breakdown.ts';
import getApiKeyUsage from './get-api-key-usage.ts';
import getOrgUsage from './get-org-usage.ts';

export const usageOperations = [getOrgUsage, getApiKeyUsage, getApiKeyEndpointBreakdown];

/** /v1/organizations/usage and /v1/organizations/api-keys/{key_id}/usage: requests and credits over time. */
const usage: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, usageOperations);
};

export default usage;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireApiKey } from '../../../plugins/authentication.ts';
import getApiKeyEndpointBreakdown from './get-api-key-endpoint-breakdown.ts';
import getApiKeyUsage from './get-api-key-usage.ts';
import getOrgUsage from './get-org-usage.ts';

/** /v1/organizations/usage and /v1/organizations/api-keys/{key_id}/usage: requests and credits over time. */
const usage: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  await scope.register(getOrgUsage);
  await scope.register(getApiKeyUsage);
  await scope.register(getApiKeyEndpointBreakdown);
};

export default usage;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireApiKey } from '../../../plugins/authentication.ts';
import autoBilling from './auto-billing.ts';
import getCreditBalance from './get-credit-balance.ts';
import getCurrentUsage from './get-current-usage.ts';
import getUsageBreakdown from './get-usage-breakdown.ts';
import spendingCaps from './spending-caps.ts';

/** /v1/organizations/billing: balance, the billing period, auto-billing and spending caps. */
const billing: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  await scope.register(getCreditBalance);
  await scope.register(getCurrentUsage);
  await scope.register(getUsageBreakdown);
  await scope.register(autoBilling);
  await scope.register(spendingCaps);
};

export default billing;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import disableAutoBilling from './disable-auto-billing.ts';
import enableAutoBilling from './enable-auto-billing.ts';
import getCreditBalance from './get-credit-balance.ts';
import getCurrentUsage from './get-current-usage.ts';
import getSpendingCaps from './get-spending-caps.ts';
import getUsageBreakdown from './get-usage-breakdown.ts';
import updateSpendingCaps from './update-spending-caps.ts';

export const billingOperations = [
  getCreditBalance,
  getCurrentUsage,
  getUsageBreakdown,
  enableAutoBilling,
  disableAutoBilling,
  getSpendingCaps,
  updateSpendingCaps,
];

/** /v1/organizations/billing: balance, the billing period, auto-billing and spending caps. */
const billing: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, billingOperations);
};

export default billing;

import type { Repositories } from '../ports/unit-of-work.ts';
import { newId } from '../../lib/ids.ts';
import { MAX_BALANCE_MILLIS } from '../bounds.ts';
import { BadRequestError } from '../errors.ts';
import { billingPeriodAt } from '../billing/billing-period.ts';
import { MILLIS_PER_CREDIT, TIERS } from './tiers.ts';
import { DEFAULT_SPENDING_CAPS, type AccountTier, type Organization } from './types.ts';

export interface NewOrganization {
  organizationName: string;
  accountType: AccountTier;
  credits: number;
}

/**
 * Used by bootstrap and the CLI: organizations are not created over the public API (as in Mixpeek).
 * The starting credits stand for the current billing period's allocation, so the next monthly
 * grant comes at the next cycle day.
 */
export async function createOrganization(repos: Repositories, input: NewOrganization, now: Date): Promise<Organization> {
  if (!Number.isSafeInteger(input.credits * MILLIS_PER_CREDIT) || input.credits < 0 || input.credits * MILLIS_PER_CREDIT > MAX_BALANCE_MILLIS) {
    throw new BadRequestError(`The starting balance must be a whole number of credits from 0 to ${Math.floor(MAX_BALANCE_MILLIS / MILLIS_PER_CREDIT)}`, null, 'invalid_credit_amount');
  }
  const at = now.toISOString();
  const billingCycleStart = 1;
  const org: Organization = {
    internalId: newId('organizationInternal', 24),
    organizationId: newId('organization'),
    organizationName: input.organizationName,
    logoUrl: null,
    accountType: input.accountType,
    creditBalanceMillis: input.credits * MILLIS_PER_CREDIT,
    metadata: {},
    billingEmail: null,
    notificationsEmail: null,
    rateLimits: { ...TIERS[input.accountType].rateLimits },
    autoBillingEnabled: false,
    billingCycleStart,
    authProviderOrgId: null,
    lastGrantPeriod: billingPeriodAt(now, billingCycleStart).key,
    spendingCaps: { ...DEFAULT_SPENDING_CAPS },
    createdAt: at,
    updatedAt: at,
  };
  await repos.organizations.insert(org);
  await repos.ledger.append({
    entryId: newId('ledgerEntry'),
    organizationInternalId: org.internalId,
    keyId: null,
    operation: 'opening_balance',
    amountMillis: org.creditBalanceMillis,
    balanceAfterMillis: org.creditBalanceMillis,
    referenceId: 'opening_balance',
    overdraft: false,
    createdAt: at,
  });
  return org;
}

import type { AccountRepositories } from '../ports/metadata-store.ts';
import { newId } from '../../lib/ids.ts';
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
export async function createOrganization(repos: AccountRepositories, input: NewOrganization, now: Date): Promise<Organization> {
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

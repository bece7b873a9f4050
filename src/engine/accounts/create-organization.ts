import type { AccountRepositories } from '../ports/metadata-store.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import { DEFAULT_RATE_LIMITS, MILLIS_PER_CREDIT } from './tiers.ts';
import type { AccountTier, Organization } from './types.ts';

export interface NewOrganization {
  organizationName: string;
  accountType: AccountTier;
  credits: number;
}

/** Used by bootstrap and the CLI: organizations are not created over the public API (as in Mixpeek). */
export async function createOrganization(repos: AccountRepositories, input: NewOrganization): Promise<Organization> {
  const at = nowIso();
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
    rateLimits: { ...DEFAULT_RATE_LIMITS },
    autoBillingEnabled: false,
    billingCycleStart: 1,
    authProviderOrgId: null,
    createdAt: at,
    updatedAt: at,
  };
  await repos.organizations.insert(org);
  return org;
}

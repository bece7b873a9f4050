import { NotFoundError } from '../errors.ts';
import type { MetadataStore, OrganizationPatch } from '../ports/metadata-store.ts';
import { nowIso } from '../../lib/time.ts';
import { MILLIS_PER_CREDIT, tierAfterTopUp, wholeCredits } from './tiers.ts';
import type { AccountTier, Organization, Principal, User } from './types.ts';

export interface OrganizationView {
  organization: Organization;
  users: User[];
}

export interface CreditTopUp {
  previousBalance: number;
  creditsAdded: number;
  newBalance: number;
  previousTier: AccountTier;
  newTier: AccountTier;
  tierUpgraded: boolean;
}

export class OrganizationService {
  constructor(private readonly store: MetadataStore) {}

  async get(principal: Principal): Promise<OrganizationView> {
    const internalId = principal.organization.internalId;
    const [organization, users] = await Promise.all([
      this.store.organizations.findByInternalId(internalId),
      this.store.users.listAll(internalId),
    ]);
    if (!organization) throw new NotFoundError('organization', principal.organization.organizationId);
    return { organization, users };
  }

  async update(principal: Principal, patch: OrganizationPatch): Promise<OrganizationView> {
    await this.store.organizations.update(principal.organization.internalId, patch, nowIso());
    return this.get(principal);
  }

  async addCredits(principal: Principal, credits: number): Promise<CreditTopUp> {
    const internalId = principal.organization.internalId;
    return this.store.transaction(async (repos) => {
      const before = await repos.organizations.findByInternalId(internalId);
      if (!before) throw new NotFoundError('organization', principal.organization.organizationId);
      const at = nowIso();
      const afterMillis = await repos.organizations.addCreditMillis(internalId, credits * MILLIS_PER_CREDIT, at);
      const newBalance = wholeCredits(afterMillis);
      const previousBalance = wholeCredits(afterMillis - credits * MILLIS_PER_CREDIT);
      const newTier = tierAfterTopUp(before.accountType, newBalance);
      if (newTier !== before.accountType) await repos.organizations.setAccountType(internalId, before.accountType, newTier, at);
      return {
        previousBalance,
        creditsAdded: credits,
        newBalance,
        previousTier: before.accountType,
        newTier,
        tierUpgraded: newTier !== before.accountType,
      };
    });
  }
}

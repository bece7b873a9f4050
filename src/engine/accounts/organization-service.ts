import { NotFoundError } from '../errors.ts';
import type { MetadataStore, OrganizationPatch } from '../ports/metadata-store.ts';
import type { AccountReadCache } from '../cache/account-read-cache.ts';
import type { Clock } from '../ports/clock.ts';
import type { CreditService } from '../billing/credit-service.ts';
import type { OrganizationView, Principal } from './types.ts';


export class OrganizationService {
  constructor(
    private readonly store: MetadataStore,
    private readonly credits: CreditService,
    private readonly clock: Clock,
    private readonly cache: AccountReadCache,
  ) {}

  async get(principal: Principal): Promise<OrganizationView> {
    const internalId = principal.organization.internalId;
    const cached = this.cache.view(internalId);
    if (cached) return cached;
    const readAt = this.cache.snapshot();
    const [organization, users] = await Promise.all([
      this.store.organizations.findByInternalId(internalId),
      this.store.users.listAll(internalId),
    ]);
    if (!organization) throw new NotFoundError('organization', principal.organization.organizationId);
    const view = { organization, users, currentMonthUsageMillis: await this.credits.periodSpentMillis(organization) };
    this.cache.rememberView(internalId, view, readAt);
    return view;
  }

  async update(principal: Principal, patch: OrganizationPatch): Promise<OrganizationView> {
    await this.store.organizations.update(principal.organization.internalId, patch, this.clock.now().toISOString());
    return this.get(principal);
  }
}

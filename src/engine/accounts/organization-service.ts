import { NotFoundError } from '../errors.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { OrganizationPatch } from './account-repositories.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import type { AccountReadCache } from '../cache/account-read-cache.ts';
import type { Clock } from '../ports/clock.ts';
import type { CreditService } from '../billing/credit-service.ts';
import type { OrganizationView, RateLimits } from './types.ts';

/** What PATCH /v1/organizations may change; rateLimits names only the categories to change. */
export interface OrganizationChanges {
  organizationName?: string;
  logoUrl?: string | null;
  billingEmail?: string | null;
  metadata?: Record<string, unknown>;
  rateLimits?: Partial<RateLimits>;
}

export class OrganizationService {
  constructor(
    private readonly store: MetadataStore,
    private readonly credits: CreditService,
    private readonly clock: Clock,
    private readonly cache: AccountReadCache,
  ) {}

  async get(scope: RequestScope): Promise<OrganizationView> {
    const internalId = scope.organization.internalId;
    const cached = this.cache.view(internalId);
    if (cached) return cached;
    const readAt = this.cache.snapshot();
    const [organization, users] = await Promise.all([
      this.store.organizations.findByInternalId(internalId),
      this.store.users.listAll(scope),
    ]);
    if (!organization) throw new NotFoundError('organization', scope.organization.organizationId);
    const view = { organization, users, currentMonthUsageMillis: await this.credits.periodSpentMillis({ organization, namespace: null }) };
    this.cache.rememberView(internalId, view, readAt);
    return view;
  }

  /**
   * Merges under the organization's row lock, over the row as it is now: merging over the caller's
   * (cached) copy let two concurrent PATCHes of different categories lose one of them.
   */
  async update(scope: RequestScope, changes: OrganizationChanges): Promise<OrganizationView> {
    const internalId = scope.organization.internalId;
    await this.store.transaction(async (repos) => {
      await repos.organizations.lock(internalId);
      const current = await repos.organizations.findByInternalId(internalId);
      if (!current) throw new NotFoundError('organization', scope.organization.organizationId);
      const { rateLimits, ...fields } = changes;
      const patch: OrganizationPatch = { ...fields };
      if (rateLimits) patch.rateLimits = { ...current.rateLimits, ...rateLimits };
      await repos.organizations.update(internalId, patch, this.clock.now().toISOString());
    });
    return this.get(scope);
  }
}

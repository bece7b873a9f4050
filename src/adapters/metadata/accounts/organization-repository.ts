import { sql, type Kysely } from 'kysely';
import type { AccountTier, Organization } from '../../../engine/accounts/types.ts';
import type { OrganizationPatch, OrganizationRepository } from '../../../engine/accounts/account-repositories.ts';
import type { Database } from '../database-types.ts';
import type { OrganizationsTable } from './tables.ts';
import { toJson, toOrganization } from '../row-mappers.ts';
import type { Updateable } from 'kysely';

export class KyselyOrganizationRepository implements OrganizationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findByInternalId(internalId: string): Promise<Organization | undefined> {
    const row = await this.db.selectFrom('organizations').selectAll().where('internal_id', '=', internalId).executeTakeFirst();
    return row && toOrganization(row);
  }

  async findByPublicId(organizationId: string): Promise<Organization | undefined> {
    const row = await this.db.selectFrom('organizations').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
    return row && toOrganization(row);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(org: Organization): Promise<void> {
    await this.db
      .insertInto('organizations')
      .values({
        internal_id: org.internalId,
        organization_id: org.organizationId,
        organization_name: org.organizationName,
        logo_url: org.logoUrl,
        account_type: org.accountType,
        credit_balance_millis: org.creditBalanceMillis,
        metadata: toJson(org.metadata),
        billing_email: org.billingEmail,
        notifications_email: org.notificationsEmail,
        rate_limits: toJson(org.rateLimits),
        auto_billing_enabled: org.autoBillingEnabled ? 1 : 0,
        billing_cycle_start: org.billingCycleStart,
        auth_provider_org_id: org.authProviderOrgId,
        last_grant_period: org.lastGrantPeriod,
        spending_caps: toJson(org.spendingCaps),
        created_at: org.createdAt,
        updated_at: org.updatedAt,
      })
      .execute();
  }

  async update(internalId: string, patch: OrganizationPatch, updatedAt: string): Promise<Organization | undefined> {
    const values: Updateable<OrganizationsTable> = { updated_at: updatedAt };
    if (patch.organizationName !== undefined) values.organization_name = patch.organizationName;
    if (patch.logoUrl !== undefined) values.logo_url = patch.logoUrl;
    if (patch.billingEmail !== undefined) values.billing_email = patch.billingEmail;
    if (patch.notificationsEmail !== undefined) values.notifications_email = patch.notificationsEmail;
    if (patch.metadata !== undefined) values.metadata = toJson(patch.metadata);
    if (patch.rateLimits !== undefined) values.rate_limits = toJson(patch.rateLimits);
    if (patch.autoBillingEnabled !== undefined) values.auto_billing_enabled = patch.autoBillingEnabled ? 1 : 0;
    if (patch.spendingCaps !== undefined) values.spending_caps = toJson(patch.spendingCaps);
    await this.db.updateTable('organizations').set(values).where('internal_id', '=', internalId).execute();
    return this.findByInternalId(internalId);
  }

  async addCreditMillis(internalId: string, millis: number, updatedAt: string): Promise<number> {
    // A relative update is atomic on both backends: concurrent top-ups never overwrite each other.
    const row = await this.db
      .updateTable('organizations')
      .set({ credit_balance_millis: sql`credit_balance_millis + ${millis}`, updated_at: updatedAt })
      .where('internal_id', '=', internalId)
      .returning('credit_balance_millis')
      .executeTakeFirstOrThrow();
    return Number(row.credit_balance_millis);
  }

  async setAccountType(internalId: string, from: AccountTier, to: AccountTier, updatedAt: string): Promise<void> {
    await this.db
      .updateTable('organizations')
      .set({ account_type: to, updated_at: updatedAt })
      .where('internal_id', '=', internalId)
      .where('account_type', '=', from)
      .execute();
  }

  async lock(internalId: string): Promise<void> {
    await this.db.updateTable('organizations').set({ internal_id: sql`internal_id` }).where('internal_id', '=', internalId).execute();
  }

  async debitMillis(internalId: string, millis: number, allowOverdraft: boolean, updatedAt: string): Promise<number | null> {
    // One statement decides and applies: concurrent debits can never both spend the same credits.
    let query = this.db
      .updateTable('organizations')
      .set({ credit_balance_millis: sql`credit_balance_millis - ${millis}`, updated_at: updatedAt })
      .where('internal_id', '=', internalId);
    if (!allowOverdraft) query = query.where('credit_balance_millis', '>=', millis);
    const row = await query.returning('credit_balance_millis').executeTakeFirst();
    return row ? Number(row.credit_balance_millis) : null;
  }

  async claimGrant(internalId: string, periodKey: string, millis: number, updatedAt: string): Promise<number | null> {
    const row = await this.db
      .updateTable('organizations')
      .set({ credit_balance_millis: sql`credit_balance_millis + ${millis}`, last_grant_period: periodKey, updated_at: updatedAt })
      .where('internal_id', '=', internalId)
      .where((eb) => eb.or([eb('last_grant_period', 'is', null), eb('last_grant_period', '<', periodKey)]))
      .returning('credit_balance_millis')
      .executeTakeFirst();
    return row ? Number(row.credit_balance_millis) : null;
  }
}

import type { Kysely, Selectable } from 'kysely';
import type { StoredChannel, StoredWebhook, WebhookChanges, WebhookRepository } from '../../../engine/webhooks/webhook-repositories.ts';
import type { WebhookChannelKind } from '../../../engine/webhooks/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toJson } from '../row-mappers.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';
import type { WebhooksTable } from './tables.ts';

type ChannelRow = { channel: WebhookChannelKind; sealed_configs: string };

const toChannelRows = (channels: readonly StoredChannel[]): string => toJson(channels.map((c): ChannelRow => ({ channel: c.channel, sealed_configs: c.sealedConfigs })));

function toStoredWebhook(row: Selectable<WebhooksTable>): StoredWebhook {
  return {
    webhookId: row.webhook_id,
    organizationInternalId: row.organization_internal_id,
    webhookName: row.webhook_name,
    eventTypes: fromJson<string[]>(row.event_types),
    channels: fromJson<ChannelRow[]>(row.channels).map((c) => ({ channel: c.channel, sealedConfigs: c.sealed_configs })),
    isActive: row.is_active === 1,
    sealedSigningSecret: row.sealed_signing_secret,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export class KyselyWebhookRepository implements WebhookRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(w: StoredWebhook): Promise<void> {
    await translatingUniqueViolation(() =>
      this.db
        .insertInto('webhooks')
        .values({
          webhook_id: w.webhookId,
          organization_internal_id: w.organizationInternalId,
          webhook_name: w.webhookName,
          event_types: toJson(w.eventTypes),
          channels: toChannelRows(w.channels),
          is_active: w.isActive ? 1 : 0,
          sealed_signing_secret: w.sealedSigningSecret,
          created_at: w.createdAt,
          updated_at: w.updatedAt,
        })
        .execute(),
    );
  }

  async find(tenant: TenantScope, identifier: string): Promise<StoredWebhook | undefined> {
    const org = tenant.organization.internalId;
    const byId = await this.db.selectFrom('webhooks').selectAll().where('organization_internal_id', '=', org).where('webhook_id', '=', identifier).executeTakeFirst();
    if (byId) return toStoredWebhook(byId);
    const byName = await this.db.selectFrom('webhooks').selectAll().where('organization_internal_id', '=', org).where('webhook_name', '=', identifier).executeTakeFirst();
    return byName && toStoredWebhook(byName);
  }

  async listAll(tenant: TenantScope, filter: { isActive?: boolean }): Promise<StoredWebhook[]> {
    let query = this.db.selectFrom('webhooks').selectAll().where('organization_internal_id', '=', tenant.organization.internalId);
    if (filter.isActive !== undefined) query = query.where('is_active', '=', filter.isActive ? 1 : 0);
    const rows = await query.orderBy('created_at', 'desc').orderBy('webhook_id', 'desc').execute();
    return rows.map(toStoredWebhook);
  }

  async countInOrganization(tenant: TenantScope): Promise<number> {
    const row = await this.db.selectFrom('webhooks').select((eb) => eb.fn.countAll().as('n')).where('organization_internal_id', '=', tenant.organization.internalId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(tenant: TenantScope, webhookId: string, changes: WebhookChanges): Promise<boolean> {
    const result = await translatingUniqueViolation(() =>
      this.db
        .updateTable('webhooks')
        .set({
          webhook_name: changes.webhookName,
          event_types: toJson(changes.eventTypes),
          channels: toChannelRows(changes.channels),
          is_active: changes.isActive ? 1 : 0,
          updated_at: changes.updatedAt,
        })
        .where('organization_internal_id', '=', tenant.organization.internalId)
        .where('webhook_id', '=', webhookId)
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async setSigningSecret(tenant: TenantScope, webhookId: string, sealedSigningSecret: string, updatedAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('webhooks')
      .set({ sealed_signing_secret: sealedSigningSecret, updated_at: updatedAt })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('webhook_id', '=', webhookId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(tenant: TenantScope, webhookId: string): Promise<boolean> {
    const org = tenant.organization.internalId;
    await this.db.deleteFrom('webhook_deliveries').where('organization_internal_id', '=', org).where('webhook_id', '=', webhookId).execute();
    const result = await this.db.deleteFrom('webhooks').where('organization_internal_id', '=', org).where('webhook_id', '=', webhookId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}

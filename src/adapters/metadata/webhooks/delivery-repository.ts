import type { Kysely, Selectable } from 'kysely';
import type { DeliveryOutcome, NewDelivery, WebhookDeliveryRepository } from '../../../engine/webhooks/webhook-repositories.ts';
import type { DeliveryStatus, WebhookDelivery, WebhookEventPayload } from '../../../engine/webhooks/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toIsoOrNull, toJson } from '../row-mappers.ts';
import type { WebhookDeliveriesTable } from './tables.ts';

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    deliveryId: row.delivery_id,
    eventId: row.event_id,
    webhookId: row.webhook_id,
    channelIndex: Number(row.channel_index),
    eventType: row.event_type,
    payload: fromJson<WebhookEventPayload>(row.payload),
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: toIsoOrNull(row.next_attempt_at),
    lastError: row.last_error,
    responseStatus: row.response_status === null ? null : Number(row.response_status),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    deliveredAt: toIsoOrNull(row.delivered_at),
  };
}

/** Rows per INSERT statement (SQLite binds at most 32766 values; 15 columns each). */
const INSERT_CHUNK = 500;

export class KyselyWebhookDeliveryRepository implements WebhookDeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(deliveries: readonly NewDelivery[]): Promise<void> {
    for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
      await this.db
        .insertInto('webhook_deliveries')
        .values(
          deliveries.slice(i, i + INSERT_CHUNK).map((d) => ({
            delivery_id: d.deliveryId,
            event_id: d.eventId,
            organization_internal_id: d.organizationInternalId,
            webhook_id: d.webhookId,
            channel_index: d.channelIndex,
            event_type: d.eventType,
            payload: toJson(d.payload),
            status: 'pending',
            attempts: 0,
            next_attempt_at: d.createdAt,
            last_error: null,
            response_status: null,
            created_at: d.createdAt,
            updated_at: d.createdAt,
            delivered_at: null,
          })),
        )
        .execute();
    }
  }

  async find(tenant: TenantScope, deliveryId: string): Promise<WebhookDelivery | undefined> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async record(tenant: TenantScope, deliveryId: string, o: DeliveryOutcome): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: o.status,
        attempts: o.attempts,
        next_attempt_at: o.nextAttemptAt,
        last_error: o.lastError === null ? null : o.lastError.slice(0, 2000),
        response_status: o.responseStatus,
        delivered_at: o.deliveredAt,
        updated_at: o.updatedAt,
      })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async listForWebhook(tenant: TenantScope, webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('webhook_id', '=', webhookId)
      .orderBy('created_at', 'desc')
      .orderBy('delivery_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }
}

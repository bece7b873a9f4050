// The webhooks module's tables. Kysely table types; migration 0011-webhooks creates them.
import type { Json, NullableTimestamp, Timestamp } from '../table-columns.ts';

export interface WebhooksTable {
  webhook_id: string;
  organization_internal_id: string;
  webhook_name: string;
  event_types: Json;
  channels: Json;
  is_active: number;
  sealed_signing_secret: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  delivery_id: string;
  event_id: string;
  organization_internal_id: string;
  webhook_id: string;
  channel_index: number;
  event_type: string;
  payload: Json;
  status: string;
  attempts: number;
  next_attempt_at: NullableTimestamp;
  last_error: string | null;
  response_status: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  delivered_at: NullableTimestamp;
}

export interface WebhookTables {
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

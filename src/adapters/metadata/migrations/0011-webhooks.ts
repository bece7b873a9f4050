import type { Migration } from './column-types.ts';

/**
 * Organization webhooks (SPEC §19) and their deliveries (the outbox: one row per event, webhook and
 * channel). Channel configs and signing secrets are sealed text (the organization secrets cipher).
 */
export const webhooks: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('webhooks')
      .addColumn('webhook_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('webhook_name', 'text', (c) => c.notNull())
      .addColumn('event_types', t.json, (c) => c.notNull())
      // [{channel, sealed_configs}]: the kind in clear, the configs sealed.
      .addColumn('channels', t.json, (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull())
      .addColumn('sealed_signing_secret', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('webhooks_organization_name', ['organization_internal_id', 'webhook_name'])
      .execute();
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('delivery_id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.webhook_id').onDelete('cascade'))
      .addColumn('channel_index', 'integer', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('payload', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', t.timestamp)
      .addColumn('last_error', 'text')
      .addColumn('response_status', 'integer')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('delivered_at', t.timestamp)
      .execute();
    await db.schema.createIndex('webhook_deliveries_webhook_created').on('webhook_deliveries').columns(['organization_internal_id', 'webhook_id', 'created_at']).execute();
  },
};

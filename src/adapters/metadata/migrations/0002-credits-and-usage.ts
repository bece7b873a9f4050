import { sql, type Migration } from './column-types.ts';

/**
 * The credit ledger (append-only truth behind credit_count and current_month_usage), per-request
 * usage counters, and the organization columns that make monthly grants and spending caps atomic.
 */
export const creditsAndUsage: Migration = {
  async up(db, t) {
    await db.schema.alterTable('organizations').addColumn('last_grant_period', 'text').execute();
    await db.schema.alterTable('organizations').addColumn('spending_caps', t.json).execute();

    await db.schema
      .createTable('credit_ledger')
      .addColumn('entry_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('key_id', 'text')
      .addColumn('operation', 'text', (c) => c.notNull())
      // Thousandths of a credit: positive adds to the balance, negative spends.
      .addColumn('amount_millis', t.bigint, (c) => c.notNull())
      .addColumn('balance_after_millis', t.bigint, (c) => c.notNull())
      // Idempotency: one entry per (organization, reference), e.g. one grant per billing period.
      .addColumn('reference_id', 'text')
      // 1 when the debit took the balance below zero under auto-billing (billed on the next invoice).
      .addColumn('overdraft', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('credit_ledger_reference_unique', ['organization_internal_id', 'reference_id'])
      .execute();
    await db.schema.createIndex('credit_ledger_org_time_idx').on('credit_ledger').columns(['organization_internal_id', 'created_at']).execute();
    await db.schema.createIndex('credit_ledger_key_time_idx').on('credit_ledger').columns(['key_id', 'created_at']).execute();

    await db.schema
      .createTable('request_usage')
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('operation_id', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      // Start of the UTC hour the requests fall in (ISO string): usage is reported at hour resolution.
      .addColumn('hour', 'text', (c) => c.notNull())
      .addColumn('request_count', t.bigint, (c) => c.notNull())
      .addColumn('error_count', t.bigint, (c) => c.notNull())
      .addColumn('last_request_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('request_usage_pk', ['key_id', 'operation_id', 'hour'])
      .execute();
    // Organizations that predate the ledger get an opening entry, so the ledger sums to every balance.
    await sql`
      insert into credit_ledger (entry_id, organization_internal_id, key_id, operation, amount_millis, balance_after_millis, reference_id, overdraft, created_at)
      select 'opening_' || internal_id, internal_id, null, 'opening_balance', credit_balance_millis, credit_balance_millis, 'opening_balance', 0, created_at
      from organizations`.execute(db);

    await db.schema.createIndex('request_usage_org_hour_idx').on('request_usage').columns(['organization_internal_id', 'hour']).execute();
  },
};

import type { Migration } from './column-types.ts';

export const accounts: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('tessera_markers')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('claimed_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('organizations')
      .addColumn('internal_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().unique())
      .addColumn('organization_name', 'text', (c) => c.notNull())
      .addColumn('logo_url', 'text')
      .addColumn('account_type', 'text', (c) => c.notNull())
      .addColumn('credit_balance_millis', t.bigint, (c) => c.notNull())
      .addColumn('metadata', t.json, (c) => c.notNull())
      .addColumn('billing_email', 'text')
      .addColumn('notifications_email', 'text')
      .addColumn('rate_limits', t.json, (c) => c.notNull())
      .addColumn('auto_billing_enabled', 'integer', (c) => c.notNull())
      .addColumn('billing_cycle_start', 'integer', (c) => c.notNull())
      .addColumn('auth_provider_org_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('avatar_url', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('metadata', t.json, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('users_org_email_unique', ['organization_internal_id', 'email'])
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('key_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      // No foreign key to users: a deleted user's keys stay behind, revoked, as an audit trail.
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('key_prefix', 'text', (c) => c.notNull())
      .addColumn('permissions', t.json, (c) => c.notNull())
      .addColumn('scopes', t.json, (c) => c.notNull())
      .addColumn('rate_limit_override', 'integer')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('name_live', 'integer')
      .addColumn('expires_at', t.timestamp)
      .addColumn('last_used_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('revoked_at', t.timestamp)
      .addColumn('revoked_by', 'text')
      // NULLs are distinct in unique constraints on both backends, so revoked keys free their name.
      .addUniqueConstraint('api_keys_user_name_live_unique', ['user_id', 'name', 'name_live'])
      .execute();

    await db.schema.createIndex('api_keys_org_user_idx').on('api_keys').columns(['organization_internal_id', 'user_id']).execute();
  },
};

import type { Migration } from './column-types.ts';

/** The organization secrets vault: one sealed (AES-256-GCM) value per organization and name. */
export const organizationSecrets: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('organization_secrets')
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('secret_name', 'text', (c) => c.notNull())
      // "v1." + base64(IV | ciphertext | tag): text so both backends store it alike.
      .addColumn('sealed_value', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('organization_secrets_pk', ['organization_internal_id', 'secret_name'])
      .execute();
  },
};

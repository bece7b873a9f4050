import { sql, type Migration } from './column-types.ts';

/**
 * Namespaces: the tenant boundary inside an organization. A name is unique among the live namespaces
 * of an organization; a namespace being deleted (status DELETING) keeps its row until the cascade
 * finishes but frees its name at once, so a client can recreate it.
 */
export const namespaces: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('namespaces')
      .addColumn('namespace_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('namespace_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('feature_extractors', t.json, (c) => c.notNull())
      .addColumn('payload_indexes', t.json, (c) => c.notNull())
      .addColumn('auto_create_indexes', 'integer', (c) => c.notNull())
      .addColumn('infrastructure', t.json)
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('expires_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('namespaces_live_name_unique')
      .on('namespaces')
      .columns(['organization_internal_id', 'namespace_name'])
      .unique()
      .where(sql.ref('status'), '=', 'ACTIVE')
      .execute();
    await db.schema.createIndex('namespaces_expiry').on('namespaces').column('expires_at').execute();
  },
};

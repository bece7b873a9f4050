import { sql, type Migration } from './column-types.ts';

/**
 * Collections (SPEC §12). A collection's configuration (source, extractor, schemas, vector indexes)
 * is fixed at creation and stored as JSON; `attributes` holds the fields list filters read
 * (enabled, metadata, source, feature_extractor). collection_sources holds one row per upstream
 * bucket or collection, so a batch finds the collections of a bucket (tier 0) or of upstream
 * collections (tier N+1), and a delete finds its dependants, with one indexed lookup.
 */
export const collections: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('collections')
      .addColumn('collection_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('collection_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('source', t.json, (c) => c.notNull())
      .addColumn('input_schema', t.json, (c) => c.notNull())
      .addColumn('output_schema', t.json, (c) => c.notNull())
      .addColumn('feature_extractor', t.json, (c) => c.notNull())
      .addColumn('vector_indexes', t.json, (c) => c.notNull())
      .addColumn('tier', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('metadata', t.json, (c) => c.notNull())
      .addColumn('attributes', t.json, (c) => c.notNull())
      .addColumn('schema_version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('collections_live_name_unique')
      .on('collections')
      .columns(['organization_internal_id', 'namespace_id', 'collection_name'])
      .unique()
      .where(sql.ref('status'), '=', 'ACTIVE')
      .execute();
    await db.schema.createIndex('collections_tenant_created').on('collections').columns(['organization_internal_id', 'namespace_id', 'created_at']).execute();

    await db.schema
      .createTable('collection_sources')
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      /** 'bucket' or 'collection'. */
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('collection_sources_pk', ['collection_id', 'source_type', 'source_id'])
      .execute();
    await db.schema
      .createIndex('collection_sources_by_source')
      .on('collection_sources')
      .columns(['organization_internal_id', 'namespace_id', 'source_type', 'source_id'])
      .execute();
  },
};

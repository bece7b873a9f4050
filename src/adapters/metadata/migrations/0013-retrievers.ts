import type { Migration } from './column-types.ts';

/**
 * Retrievers (SPEC §15) and their executions history. A retriever's definition (stages, input
 * schema, budget) is fixed at creation and stored as JSON; `attributes` holds what list filters read
 * (tags, collection_ids, stage ids, version). retriever_collections has one row per targeted
 * collection, so "which retrievers read this collection" is one indexed lookup.
 *
 * Executions are listed newest first per retriever, and ad-hoc ones (retriever_id NULL) per
 * namespace: both read retriever_executions_newest (an IS NULL lookup uses the same b-tree on both
 * backends).
 */
export const retrievers: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('retrievers')
      .addColumn('retriever_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('retriever_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('collection_ids', t.json, (c) => c.notNull())
      .addColumn('stages', t.json, (c) => c.notNull())
      .addColumn('input_schema', t.json, (c) => c.notNull())
      .addColumn('budget_limits', t.json, (c) => c.notNull())
      .addColumn('feature_dependencies', t.json, (c) => c.notNull())
      .addColumn('tags', t.json, (c) => c.notNull())
      .addColumn('display_config', t.json)
      .addColumn('attributes', t.json, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('updated_by', 'text')
      .execute();
    await db.schema
      .createIndex('retrievers_name_unique')
      .on('retrievers')
      .columns(['organization_internal_id', 'namespace_id', 'retriever_name'])
      .unique()
      .execute();
    await db.schema.createIndex('retrievers_tenant_created').on('retrievers').columns(['organization_internal_id', 'namespace_id', 'created_at']).execute();

    await db.schema
      .createTable('retriever_collections')
      .addColumn('retriever_id', 'text', (c) => c.notNull())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('retriever_collections_pk', ['retriever_id', 'collection_id'])
      .execute();
    await db.schema
      .createIndex('retriever_collections_by_collection')
      .on('retriever_collections')
      .columns(['organization_internal_id', 'namespace_id', 'collection_id'])
      .execute();

    await db.schema
      .createTable('retriever_executions')
      .addColumn('execution_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('retriever_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('inputs', t.json, (c) => c.notNull())
      .addColumn('inputs_hash', 'text', (c) => c.notNull())
      .addColumn('stage_statistics', t.json, (c) => c.notNull())
      .addColumn('total_time_ms', 'double precision', (c) => c.notNull())
      .addColumn('credits_used', 'double precision', (c) => c.notNull())
      .addColumn('total_processed', 'integer', (c) => c.notNull())
      .addColumn('total_returned', 'integer', (c) => c.notNull())
      .addColumn('stages_completed', 'integer', (c) => c.notNull())
      .addColumn('total_stages', 'integer', (c) => c.notNull())
      .addColumn('collection_ids', t.json, (c) => c.notNull())
      .addColumn('query_summary', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('completed_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('retriever_executions_newest')
      .on('retriever_executions')
      .columns(['organization_internal_id', 'namespace_id', 'retriever_id', 'created_at', 'execution_id'])
      .execute();
  },
};

import type { Migration } from './column-types.ts';

/**
 * Batches (SPEC §10). `batches` holds the batch and the coordinator's tier state; `batch_objects`
 * its objects in order (a batch may hold many thousands, so not a JSON column); `batch_chunks` the
 * units of work a submitted batch is cut into (one per tier, collection and range of objects: the
 * job ids are derived from them, and a chunk's row is written in the transaction that writes its
 * documents, so a rerun after a crash knows what is done); `batch_failures` the source items that
 * failed, for failed-documents and retry.
 */
export const batches: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('batches')
      .addColumn('batch_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('bucket_id', 'text', (c) => c.notNull())
      .addColumn('batch_name', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requested_collection_ids', t.json)
      .addColumn('collection_ids', t.json, (c) => c.notNull())
      .addColumn('dag_tiers', t.json, (c) => c.notNull())
      .addColumn('tiers', t.json, (c) => c.notNull())
      .addColumn('current_tier', 'integer')
      .addColumn('object_count', 'integer', (c) => c.notNull())
      .addColumn('task_id', 'text')
      .addColumn('error', 'text')
      .addColumn('metadata', t.json, (c) => c.notNull())
      .addColumn('include_processing_history', 'integer', (c) => c.notNull())
      .addColumn('chunk_size', 'integer', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('retry_root_object_ids', t.json)
      .addColumn('submitted_at', t.timestamp)
      .addColumn('completed_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('batches_tenant_bucket_created').on('batches').columns(['organization_internal_id', 'namespace_id', 'bucket_id', 'created_at']).execute();

    await db.schema
      .createTable('batch_objects')
      .addColumn('batch_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('batch_objects_pk', ['batch_id', 'position'])
      .execute();
    await db.schema.createIndex('batch_objects_object').on('batch_objects').columns(['batch_id', 'object_id']).unique().execute();

    await db.schema
      .createTable('batch_chunks')
      .addColumn('batch_id', 'text', (c) => c.notNull())
      .addColumn('tier_num', 'integer', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addColumn('chunk_index', 'integer', (c) => c.notNull())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('start_position', 'integer', (c) => c.notNull())
      .addColumn('end_position', 'integer', (c) => c.notNull())
      // queued | running | completed | failed | canceled
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('root_object_ids', t.json)
      .addColumn('source_documents_fetched', 'integer', (c) => c.notNull())
      .addColumn('documents_after_source_filter', 'integer', (c) => c.notNull())
      .addColumn('documents_missing_input_fields', 'integer', (c) => c.notNull())
      .addColumn('documents_submitted_to_engine', 'integer', (c) => c.notNull())
      .addColumn('documents_written', 'integer', (c) => c.notNull())
      .addColumn('failed_count', 'integer', (c) => c.notNull())
      .addColumn('credits_millis', t.bigint, (c) => c.notNull())
      .addColumn('errors', t.json, (c) => c.notNull())
      .addColumn('started_at', t.timestamp)
      .addColumn('completed_at', t.timestamp)
      .addPrimaryKeyConstraint('batch_chunks_pk', ['batch_id', 'tier_num', 'collection_id', 'chunk_index'])
      .execute();
    await db.schema.createIndex('batch_chunks_open').on('batch_chunks').columns(['batch_id', 'tier_num', 'status']).execute();

    await db.schema
      .createTable('batch_failures')
      .addColumn('batch_id', 'text', (c) => c.notNull())
      .addColumn('tier_num', 'integer', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('chunk_index', 'integer', (c) => c.notNull())
      .addColumn('root_object_id', 'text', (c) => c.notNull())
      .addColumn('error_type', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('stage', 'text')
      .addColumn('retry_count', 'integer', (c) => c.notNull())
      // failed | retrying
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('batch_failures_pk', ['batch_id', 'tier_num', 'collection_id', 'source_id'])
      .execute();
  },
};

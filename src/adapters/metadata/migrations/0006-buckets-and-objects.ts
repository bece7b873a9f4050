import { sql, type Migration } from './column-types.ts';

/**
 * Buckets and their objects (SPEC §7, §8). A bucket name is unique among the live buckets of a
 * namespace; a bucket being deleted (DELETING) keeps its row until the cascade removes it, but frees
 * its name at once. Objects carry their user fields and blob records as JSON; object_blobs indexes
 * each stored blob's hash so skip_duplicates is one indexed lookup per blob within a bucket.
 */
export const bucketsAndObjects: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('buckets')
      .addColumn('bucket_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('bucket_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('bucket_schema', t.json, (c) => c.notNull())
      .addColumn('unique_key', t.json)
      .addColumn('metadata', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('is_locked', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('buckets_live_name_unique')
      .on('buckets')
      .columns(['organization_internal_id', 'namespace_id', 'bucket_name'])
      .unique()
      .where(sql.ref('status'), '=', 'ACTIVE')
      .execute();
    await db.schema.createIndex('buckets_tenant_created').on('buckets').columns(['organization_internal_id', 'namespace_id', 'created_at']).execute();

    await db.schema
      .createTable('objects')
      .addColumn('object_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('bucket_id', 'text', (c) => c.notNull())
      .addColumn('key_prefix', 'text')
      .addColumn('fields', t.json, (c) => c.notNull())
      .addColumn('blobs', t.json, (c) => c.notNull())
      .addColumn('blob_count', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('unique_key_value', 'text')
      .addColumn('source_details', t.json, (c) => c.notNull())
      .addColumn('total_size_bytes', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('objects_tenant_bucket_created')
      .on('objects')
      .columns(['organization_internal_id', 'namespace_id', 'bucket_id', 'created_at'])
      .execute();
    await db.schema.createIndex('objects_bucket').on('objects').column('bucket_id').execute();
    await db.schema
      .createIndex('objects_unique_key')
      .on('objects')
      .columns(['bucket_id', 'unique_key_value'])
      .unique()
      .where(sql.ref('unique_key_value'), 'is not', null)
      .execute();

    await db.schema
      .createTable('object_blobs')
      .addColumn('blob_id', 'text', (c) => c.primaryKey())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('bucket_id', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('size_bytes', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('object_blobs_bucket_hash').on('object_blobs').columns(['bucket_id', 'hash']).execute();
    await db.schema.createIndex('object_blobs_object').on('object_blobs').column('object_id').execute();
  },
};

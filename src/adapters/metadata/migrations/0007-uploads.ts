import type { Migration } from './column-types.ts';

/**
 * Uploads (SPEC §9): one row per presigned upload, scoped to organization, namespace and bucket.
 * The bucket is not a foreign key here: a bucket's deletion job removes its uploads (and blobs).
 */
export const uploads: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('uploads')
      .addColumn('upload_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('bucket_id', 'text', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('file_size_bytes', t.bigint)
      .addColumn('presigned_url_expiration', 'integer', (c) => c.notNull())
      .addColumn('storage_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('metadata', t.json, (c) => c.notNull())
      .addColumn('create_object_on_confirm', 'integer', (c) => c.notNull())
      .addColumn('object_metadata', t.json)
      .addColumn('blob_property', 'text')
      .addColumn('blob_type', 'text')
      .addColumn('file_hash', 'text')
      .addColumn('skip_duplicates', 'integer', (c) => c.notNull())
      .addColumn('is_duplicate', 'integer', (c) => c.notNull())
      .addColumn('duplicate_of_upload_id', 'text')
      .addColumn('existing_object_id', 'text')
      .addColumn('etag', 'text')
      .addColumn('object_id', 'text')
      .addColumn('task_id', 'text')
      .addColumn('detected_mime_type', 'text')
      .addColumn('message', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('completed_at', t.timestamp)
      .addColumn('verified_at', t.timestamp)
      .addColumn('processing_since', t.timestamp)
      .execute();
    await db.schema.createIndex('uploads_bucket_created').on('uploads').columns(['organization_internal_id', 'namespace_id', 'bucket_id', 'created_at']).execute();
    await db.schema.createIndex('uploads_bucket_hash').on('uploads').columns(['organization_internal_id', 'namespace_id', 'bucket_id', 'file_hash']).execute();
    await db.schema.createIndex('uploads_pending_expiry').on('uploads').columns(['status', 'expires_at']).execute();
  },
};

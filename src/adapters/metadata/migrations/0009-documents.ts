import type { Migration } from './column-types.ts';

/**
 * Documents (SPEC §13) and their vectors. A document's user fields are one JSON column; its lineage
 * is in columns (filters on `_internal.lineage.*` and the by-object lineage routes read them
 * through indexes) plus the chain as JSON.
 *
 * Vectors are stored canonically here, so any search index can be rebuilt from the metadata
 * database alone: one row per (document, vector index) in document_vectors, each vector the raw
 * little-endian float32 bytes (bytea / blob). One row per index rather than one packed column per
 * document because (1) each value is then a plain float32 array any tool can read, with no
 * container format of ours to decode; (2) rebuilding one search index reads one index's rows
 * (document_vectors_index) without touching the others; (3) lists and gets that do not ask for
 * vectors never read their bytes, which a packed column in `documents` would drag through every
 * row scan. The cost is a second multi-row insert per write, which the batch pipeline pays in
 * chunks (see DocumentRepository.upsertMany).
 */
export const documents: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('documents')
      .addColumn('document_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addColumn('fields', t.json, (c) => c.notNull())
      .addColumn('root_object_id', 'text')
      .addColumn('root_bucket_id', 'text')
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('source_object_id', 'text')
      .addColumn('source_document_id', 'text')
      .addColumn('source_collection_id', 'text')
      .addColumn('lineage_path', 'text', (c) => c.notNull())
      .addColumn('lineage_chain', t.json, (c) => c.notNull())
      .addColumn('processing_tier', 'integer', (c) => c.notNull())
      .addColumn('source_blobs', t.json, (c) => c.notNull())
      .addColumn('internal_metadata', t.json, (c) => c.notNull())
      .addColumn('batch_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('documents_tenant_collection_created')
      .on('documents')
      .columns(['organization_internal_id', 'namespace_id', 'collection_id', 'created_at'])
      .execute();
    await db.schema.createIndex('documents_tenant_root_object').on('documents').columns(['organization_internal_id', 'namespace_id', 'root_object_id']).execute();

    await db.schema
      .createTable('document_vectors')
      .addColumn('document_id', 'text', (c) => c.notNull())
      .addColumn('index_name', 'text', (c) => c.notNull())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addColumn('dimensions', 'integer', (c) => c.notNull())
      .addColumn('vector', t.binary, (c) => c.notNull())
      .addPrimaryKeyConstraint('document_vectors_pk', ['document_id', 'index_name'])
      .execute();
    await db.schema
      .createIndex('document_vectors_index')
      .on('document_vectors')
      .columns(['organization_internal_id', 'namespace_id', 'collection_id', 'index_name'])
      .execute();
  },
};

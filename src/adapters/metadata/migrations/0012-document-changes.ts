import { sql, type Migration } from './column-types.ts';

/**
 * The documents' change log (src/engine/documents/document-feed.ts): every write of the documents
 * repository appends one row per changed document (or one 'collection' row for a bulk change) in
 * the same transaction, and search indexes apply the log in sequence order. A global sequence
 * (not one per namespace) because it is what both backends give natively; every read names a
 * namespace through document_changes_namespace_seq.
 */
export const documentChanges: Migration = {
  async up(db, t) {
    const seq = t.json === 'jsonb' ? sql`seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY` : sql`seq integer PRIMARY KEY AUTOINCREMENT`;
    await sql`CREATE TABLE document_changes (
      ${seq},
      organization_internal_id text NOT NULL,
      namespace_id text NOT NULL,
      collection_id text NOT NULL,
      document_id text,
      kind text NOT NULL
    )`.execute(db);
    await db.schema.createIndex('document_changes_namespace_seq').on('document_changes').columns(['namespace_id', 'seq']).execute();
  },
};

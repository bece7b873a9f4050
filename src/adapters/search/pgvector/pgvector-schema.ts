// Creates the index's tables when the adapter opens (idempotent; serialised per schema by an
// advisory lock, since two processes starting together would race on CREATE … IF NOT EXISTS).
import { sql, type Kysely } from 'kysely';
import { DDL_LOCK_CLASS, STARTUP_STATEMENT_TIMEOUT_MS } from './pgvector-database.ts';
import type { SearchTables } from './tables.ts';

export async function ensureSearchSchema(db: Kysely<SearchTables>, schema: string, vectorSchema: string): Promise<void> {
  const vector = sql.raw(`${vectorSchema}.vector`);
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL statement_timeout = ${sql.lit(`${STARTUP_STATEMENT_TIMEOUT_MS}ms`)}`.execute(trx);
    await sql`SELECT pg_advisory_xact_lock(${DDL_LOCK_CLASS}, hashtext(${schema}))`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS search_vectors (
      namespace_id text NOT NULL,
      organization_internal_id text NOT NULL,
      collection_id text NOT NULL,
      document_id text NOT NULL,
      vector_name text NOT NULL,
      dimensions integer NOT NULL,
      embedding ${vector} NOT NULL,
      PRIMARY KEY (document_id, vector_name)
    )`.execute(trx);
    // Tenancy and the wrong-dimension check; small namespaces are scanned exactly through it.
    await sql`CREATE INDEX IF NOT EXISTS search_vectors_target ON search_vectors (namespace_id, vector_name, collection_id, dimensions)`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS search_text (
      document_id text PRIMARY KEY,
      namespace_id text NOT NULL,
      organization_internal_id text NOT NULL,
      collection_id text NOT NULL,
      view jsonb NOT NULL,
      text jsonb NOT NULL,
      tsv tsvector NOT NULL
    )`.execute(trx);
    await sql`CREATE INDEX IF NOT EXISTS search_text_target ON search_text (namespace_id, collection_id, document_id COLLATE "C")`.execute(trx);
    await sql`CREATE INDEX IF NOT EXISTS search_text_tsv ON search_text USING gin (tsv)`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS search_index_state (
      namespace_id text PRIMARY KEY,
      applied_seq bigint NOT NULL,
      rebuild_until bigint,
      rebuild_after text
    )`.execute(trx);
  });
}

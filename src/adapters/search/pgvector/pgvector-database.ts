// The pgvector index's own connection pool to the metadata database (same URL and schema as the
// metadata store: its tables live next to the store's), and the `vector` extension it needs.
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { describeDriverError } from '../../metadata/driver-faults.ts';
import { faultTranslating } from '../../metadata/fault-translating-dialect.ts';
import { describePostgres } from '../../metadata/connect.ts';
import type { SearchTables } from './tables.ts';

export interface PgvectorConnectOptions {
  databaseUrl: string;
  /** The metadata store's schema (TESSERA_DATABASE_SCHEMA): the index's tables go there too. */
  schema: string;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  poolSize: number;
  idleTimeoutMs: number;
}

/** Settings every session of the pool starts with (GUCs such as hnsw.ef_search), set at connection time. */
export type SessionSettings = Record<string, string | number>;

/** pgvector is not installed in this PostgreSQL, or this role may not create the extension. */
export class PgvectorUnavailableError extends Error {}

export interface SearchDatabase {
  db: Kysely<SearchTables>;
  /** The schema the `vector` type and its operators live in (usually public), quoted for SQL. */
  vectorSchema: string;
}

/** Advisory lock class of the index's DDL (the second key says what: the schema's hash, 0 for the extension). */
export const DDL_LOCK_CLASS = 7_310_102;

/**
 * Longest a start waits for the index's DDL, its own or another starting process's (which may
 * take longer than a request's statement timeout on a loaded machine): a start waits, not fails.
 */
export const STARTUP_STATEMENT_TIMEOUT_MS = 120_000;

export async function openSearchDatabase(options: PgvectorConnectOptions, settings: SessionSettings = {}): Promise<SearchDatabase> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize,
    idleTimeoutMillis: options.idleTimeoutMs,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    application_name: `tessera-search/${options.schema}`.slice(0, 63),
    keepAlive: true,
    // The index's tables sit in the store's schema; the vector type is always named with its own
    // schema (vectorSchema), so a test schema on the search_path is enough. The search settings
    // are the session's own, so a search needs no transaction to set them (names and values are
    // ours, never a client's: letters, digits, '.', '_').
    options: [`-c search_path=${options.schema}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' '),
  });
  // As in connect.ts: a dropped connection must not kill the process; the pool replaces it.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<SearchTables>({ dialect: faultTranslating(new PostgresDialect({ pool })) });
  try {
    const vectorSchema = await ensureVectorExtension(db, options.databaseUrl);
    return { db, vectorSchema };
  } catch (err) {
    await db.destroy().catch(() => {});
    throw err;
  }
}

/** The schema of the `vector` extension, creating the extension (in public) when it is missing. */
async function ensureVectorExtension(db: Kysely<SearchTables>, databaseUrl: string): Promise<string> {
  const found = await extensionSchema(db);
  if (found) return found;
  try {
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL statement_timeout = ${sql.lit(`${STARTUP_STATEMENT_TIMEOUT_MS}ms`)}`.execute(trx);
      await sql`SELECT pg_advisory_xact_lock(${DDL_LOCK_CLASS}, 0)`.execute(trx);
      // Never in the store's schema: a test schema is dropped with CASCADE, which would take the
      // extension, and every other schema's vector columns, with it.
      await sql`CREATE EXTENSION IF NOT EXISTS vector SCHEMA public`.execute(trx);
    });
  } catch (err) {
    throw new PgvectorUnavailableError(
      `The pgvector extension is not available in PostgreSQL (${describePostgres(databaseUrl)}): ${describeDriverError(err).message}. ` +
        "Install pgvector (your distribution's postgresql-NN-pgvector package, or shared/scripts/install-pgvector.sh on a development machine) " +
        'and run `CREATE EXTENSION vector` as a superuser, or set TESSERA_SEARCH_INDEX=embedded',
      { cause: err },
    );
  }
  const created = await extensionSchema(db);
  if (!created) throw new PgvectorUnavailableError('CREATE EXTENSION vector succeeded but the extension is not listed in pg_extension');
  return created;
}

async function extensionSchema(db: Kysely<SearchTables>): Promise<string | null> {
  const { rows } = await sql<{ schema: string; version: string }>`
    SELECT n.nspname AS schema, e.extversion AS version FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`.execute(db);
  const row = rows[0];
  if (!row) return null;
  // Iterative index scans (filtered searches that still return k hits) came with 0.8.
  const [major, minor] = row.version.split('.').map(Number);
  if ((major ?? 0) === 0 && (minor ?? 0) < 8) throw new PgvectorUnavailableError(`pgvector ${row.version} is installed; Tessera needs 0.8 or later (ALTER EXTENSION vector UPDATE after installing it)`);
  return `"${row.schema.replaceAll('"', '""')}"`;
}

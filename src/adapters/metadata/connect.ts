// Opens the Kysely database for the configured backend. The only place that knows driver options.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './database-types.ts';
import { describeDriverError } from './driver-faults.ts';
import { faultTranslating } from './fault-translating-dialect.ts';
import { SchemaIntrospector } from './schema-introspector.ts';
import { registerQueryFunctions } from './query/sqlite-functions.ts';
import type { Backend } from './migrations/column-types.ts';

export interface ConnectOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  databaseSchema: string;
  /** PostgreSQL statement_timeout; SQLite busy_timeout. */
  statementTimeoutMs: number;
  /** PostgreSQL only: connecting, and waiting for a pooled connection. */
  connectTimeoutMs: number;
  poolSize: number;
  idleTimeoutMs: number;
  /** Told once per connection the database dropped (the pool replaces it on demand). */
  onConnectionLost?: (error: { message: string; code?: string }) => void;
}

export interface Connection {
  db: Kysely<Database>;
  backend: Backend;
}

/** The store cannot be reached or opened at start: the message names it (never a password). */
export class MetadataStoreUnreachableError extends Error {}

// int8 (count(*), bigint columns) arrives as a string by default; our values stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function connect(options: ConnectOptions): Promise<Connection> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options);
  const file = path.join(options.dataDir, 'tessera.db');
  let sqlite: SQLite.Database;
  try {
    fs.mkdirSync(options.dataDir, { recursive: true });
    sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
  } catch (err) {
    throw new MetadataStoreUnreachableError(`Cannot open the SQLite metadata store at ${file}: ${describeDriverError(err).message}`);
  }
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // better-sqlite3 waits for a lock synchronously (the event loop stands still meanwhile); only
  // another process on the same file (the CLI, a second server) can hold it that long.
  sqlite.pragma(`busy_timeout = ${options.statementTimeoutMs}`);
  // regex filters of list queries (src/adapters/metadata/query/).
  registerQueryFunctions(sqlite);
  return { db: new Kysely<Database>({ dialect: faultTranslating(new SqliteDialect({ database: sqlite })) }), backend: 'sqlite' };
}

async function connectPostgres(databaseUrl: string, options: ConnectOptions): Promise<Connection> {
  const schema = options.databaseSchema;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize,
    idleTimeoutMillis: options.idleTimeoutMs,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // Server-side, per connection: a statement (or lock wait) past it fails with 57014 → 503.
    statement_timeout: options.statementTimeoutMs,
    // Names Tessera's sessions in pg_stat_activity, per schema (tenants and tests share a database).
    application_name: `tessera/${schema}`.slice(0, 63),
    // Notice a peer that vanished without closing the socket (failover, network partition).
    keepAlive: true,
    // Every connection of this pool sees only Tessera's schema.
    options: `-c search_path=${schema}`,
  });
  // A connection the server drops (restart, failover, pg_terminate_backend) makes its client emit
  // 'error', and an idle one makes the pool re-emit it: without listeners either kills the process.
  // The pool has already discarded such a client and opens a new one on the next request; a query
  // that was running on it fails and answers 503.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.once('error', (err) => options.onConnectionLost?.(describeDriverError(err)));
    client.on('error', () => {});
  });
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new MetadataStoreUnreachableError(`Cannot connect to the PostgreSQL metadata store (${describePostgres(databaseUrl)}): ${describeDriverError(err).message}`);
  }
  try {
    if (schema !== 'public') await ensureSchema(client, schema);
    client.release();
  } catch (err) {
    client.release(true);
    await pool.end().catch(() => {});
    throw err;
  }
  const dialect = faultTranslating(new PostgresDialect({ pool }));
  // The migrator's questions, answered from this store's schema only (see schema-introspector.ts).
  dialect.createIntrospector = (db) => new SchemaIntrospector(db, schema);
  return { db: new Kysely<Database>({ dialect }), backend: 'postgres' };
}

async function ensureSchema(client: pg.PoolClient, schema: string): Promise<void> {
  // schema is validated by config (^[a-z_][a-z0-9_]*$), so quoting it is safe. The advisory lock
  // serializes processes starting together (CREATE SCHEMA IF NOT EXISTS itself can race).
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tessera_schema:' || $1))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** host:port, database and user of a connection string: enough to find it, never the password. */
export function describePostgres(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
    const user = url.username ? `, user "${decodeURIComponent(url.username)}"` : '';
    return `${host}:${url.port || '5432'}, database "${database}"${user}`;
  } catch {
    return 'connection string not parseable';
  }
}

// Opens the Kysely database for the configured backend. The only place that knows driver options.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './database-types.ts';
import type { Backend } from './migrations/column-types.ts';

export interface ConnectOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  databaseSchema: string;
}

export interface Connection {
  db: Kysely<Database>;
  backend: Backend;
}

// int8 (count(*), bigint columns) arrives as a string by default; our values stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function connect(options: ConnectOptions): Promise<Connection> {
  if (options.databaseUrl) {
    const schema = options.databaseSchema;
    if (schema !== 'public') await ensureSchema(options.databaseUrl, schema);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      // Every connection of this pool sees only Tessera's schema.
      options: `-c search_path=${schema}`,
    });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), backend: 'postgres' };
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const sqlite = new SQLite(path.join(options.dataDir, 'tessera.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), backend: 'sqlite' };
}

async function ensureSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // schema is validated by config (^[a-z_][a-z0-9_]*$), so quoting it is safe. The advisory lock
    // serializes processes starting together (CREATE SCHEMA IF NOT EXISTS itself can race).
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tessera_schema:' || $1))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

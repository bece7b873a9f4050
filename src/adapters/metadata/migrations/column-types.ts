// The few column types that differ between the backends, chosen once per migration run.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export type Backend = 'sqlite' | 'postgres';

export interface ColumnTypes {
  json: 'jsonb' | 'text';
  timestamp: 'timestamptz' | 'text';
  bigint: 'bigint' | 'integer';
  /** Raw bytes (little-endian float32 vectors): bytea on PostgreSQL, blob on SQLite. */
  binary: 'bytea' | 'blob';
}

export function columnTypes(backend: Backend): ColumnTypes {
  return backend === 'postgres'
    ? { json: 'jsonb', timestamp: 'timestamptz', bigint: 'bigint', binary: 'bytea' }
    : { json: 'text', timestamp: 'text', bigint: 'integer', binary: 'blob' };
}

export type Migration = {
  up(db: Kysely<any>, types: ColumnTypes): Promise<void>;
  down?(db: Kysely<any>, types: ColumnTypes): Promise<void>;
};

export { sql };

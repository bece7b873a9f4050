// The few column types that differ between the backends, chosen once per migration run.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export type Backend = 'sqlite' | 'postgres';

export interface ColumnTypes {
  json: 'jsonb' | 'text';
  timestamp: 'timestamptz' | 'text';
  bigint: 'bigint' | 'integer';
}

export function columnTypes(backend: Backend): ColumnTypes {
  return backend === 'postgres'
    ? { json: 'jsonb', timestamp: 'timestamptz', bigint: 'bigint' }
    : { json: 'text', timestamp: 'text', bigint: 'integer' };
}

export type Migration = {
  up(db: Kysely<any>, types: ColumnTypes): Promise<void>;
  down?(db: Kysely<any>, types: ColumnTypes): Promise<void>;
};

export { sql };

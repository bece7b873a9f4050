// Object lists in SQL through the shared list-query compiler (adapters/metadata/query): the
// object's own keys are columns, every other field is read from the flat `fields` JSON column.
import { PostgresAdapter, sql, type Kysely, type SqlBool } from 'kysely';
import type { ListQuery } from '../../../engine/query/types.ts';
import type { Database } from '../database-types.ts';
import { QueryCompiler, type FieldMap } from '../query/index.ts';

export const OBJECT_FIELDS: FieldMap = {
  columns: {
    object_id: { column: 'object_id', kind: 'string' },
    bucket_id: { column: 'bucket_id', kind: 'string' },
    namespace_id: { column: 'namespace_id', kind: 'string' },
    key_prefix: { column: 'key_prefix', kind: 'string' },
    status: { column: 'status', kind: 'string' },
    error: { column: 'error', kind: 'string' },
    created_at: { column: 'created_at', kind: 'datetime' },
    updated_at: { column: 'updated_at', kind: 'datetime' },
    total_size_bytes: { column: 'total_size_bytes', kind: 'number' },
    blob_count: { column: 'blob_count', kind: 'number' },
  },
  json: 'fields',
  tiebreaker: 'object_id',
  searchFields: ['object_id', 'key_prefix'],
};

export function backendOf(db: Kysely<Database>): 'sqlite' | 'postgres' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export function compilerFor(db: Kysely<Database>): QueryCompiler {
  return new QueryCompiler(backendOf(db), OBJECT_FIELDS);
}

/** Search also looks through the user fields' values, as JSON text. */
export function searchInFields(db: Kysely<Database>, text: string | null, caseSensitive: boolean) {
  if (text === null) return sql<SqlBool>`(1 = 0)`;
  const escaped = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const column = backendOf(db) === 'postgres' ? sql`(fields::text)` : sql`fields`;
  return caseSensitive ? sql<SqlBool>`(${column} like ${escaped} escape '\\')` : sql<SqlBool>`(lower(${column}) like ${escaped.toLowerCase()} escape '\\')`;
}

export type { ListQuery };

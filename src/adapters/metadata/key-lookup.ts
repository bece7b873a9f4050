// Lookups by lists of keys (`id IN (…)`) that also filter by tenant columns. Without table
// statistics SQLite prefers an equality prefix of a tenant index (organization, namespace, …) over
// probing the primary key once per listed id, and then walks every row of the tenant: a batch
// reading its objects 200 at a time became quadratic (25 ms per chunk at 60k objects). A unary `+`
// makes a column unusable for an index in SQLite, so the key wins; the tenant filter stays in the
// WHERE clause all the same. PostgreSQL plans with statistics (and has no unary + on text): the
// plain column.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database-types.ts';
import { backendOf } from './buckets/object-list.ts';

/** The column as a filter that never picks the index (SQLite) — for queries that name a key list. */
export function filterOnly(db: Kysely<Database>, column: string): RawBuilder<string> {
  return backendOf(db) === 'sqlite' ? sql<string>`+${sql.ref(column)}` : sql<string>`${sql.ref(column)}`;
}

// LIKE patterns built from values, alike on both backends: the value's own % _ \ are escaped, and
// every pattern names its escape character (SQLite has no default one; PostgreSQL's is \).
import { sql, type RawBuilder } from 'kysely';

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `column LIKE 'prefix%'`: the ids a scoped key's "ns_a_*" pattern covers. */
export function startsWith(column: string, prefix: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} like ${`${escapeLike(prefix)}%`} escape '\\'`;
}

/** `expression LIKE '%needle%'` (search). */
export function containsText(expression: RawBuilder<unknown>, needle: string): RawBuilder<boolean> {
  return sql<boolean>`${expression} like ${`%${escapeLike(needle)}%`} escape '\\'`;
}

// Runs a ListQuery on a repository's base query (its table, already narrowed to the caller's
// organization and namespace): filter, search, sort, one row more than the page (so the next
// page is known without counting), and the total only when asked for.
import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { ListQuery } from '../../../engine/query/types.ts';
import type { QueryCompiler } from './compile.ts';

export interface ListRows<O> {
  /** Up to limit + 1 rows: hand them to toPage (src/engine/query/pagination.ts). */
  rows: O[];
  total: number | null;
}

export async function runListQuery<DB, TB extends keyof DB, O>(base: SelectQueryBuilder<DB, TB, O>, compiler: QueryCompiler, query: ListQuery): Promise<ListRows<O>> {
  const filtered = base.where(sql<SqlBool>`(${compiler.filter(query.filter)} AND ${compiler.search(query.search, query.caseSensitive)})`);
  const rows = await filtered.orderBy(compiler.orderBy(query.sort)).limit(query.limit + 1).offset(query.offset).execute();
  if (!query.includeTotal) return { rows, total: null };
  const counted = await filtered
    .clearSelect()
    .select(sql<number | string>`count(*)`.as('n'))
    .executeTakeFirst();
  return { rows, total: Number((counted as { n?: unknown } | undefined)?.n ?? 0) };
}

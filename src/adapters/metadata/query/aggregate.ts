// Runs an AggregateQuery (group by fields, count/sum/avg/min/max) on a repository's base query,
// with the in-memory semantics of src/engine/query/evaluate.ts aggregate(): a group key is the
// field's value when it is a scalar (typed: "1" and 1 are different groups), else null; numeric
// metrics take the group's numbers only.
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { AggregateQuery, AggregateRow, Scalar } from '../../../engine/query/types.ts';
import type { QueryCompiler } from './compile.ts';

export async function runAggregateQuery<DB, TB extends keyof DB, O>(base: SelectQueryBuilder<DB, TB, O>, compiler: QueryCompiler, query: AggregateQuery): Promise<AggregateRow[]> {
  const columns: RawBuilder<unknown>[] = [];
  for (const g of query.groupBy) {
    const a = compiler.access(g.field);
    columns.push(a.type, a.number, a.text, a.boolean);
  }
  for (const m of query.metrics) {
    if (m.field === null) {
      columns.push(sql`count(*)`);
      continue;
    }
    const a = compiler.access(m.field);
    if (m.function === 'count') columns.push(sql`sum(CASE WHEN ${a.present} AND NOT COALESCE(${a.isNull}, (1 = 0)) THEN 1 ELSE 0 END)`);
    else columns.push(sql`${sql.raw(m.function)}(${a.number})`);
  }
  // Grouped and ordered by position: PostgreSQL cannot tell that two copies of an expression with
  // bound parameters (the JSON path) are the same expression.
  const positions = query.groupBy.flatMap((_, i) => [1, 2, 3, 4].map((k) => sql.raw(String(i * 4 + k))));
  const rows = (await base
    .where(compiler.filter(query.filter))
    .clearSelect()
    .select(columns.map((c, i) => c.as(`c${i}`)) as never)
    .groupBy(positions as never)
    .orderBy(sql.join(positions))
    .limit(query.limit)
    .execute()) as Record<string, unknown>[];
  return rows.map((row) => rowToGroup(row, query));
}

function rowToGroup(row: Record<string, unknown>, query: AggregateQuery): AggregateRow {
  const values = Array.from({ length: query.groupBy.length * 4 + query.metrics.length }, (_, i) => row[`c${i}`]);
  const group: Record<string, Scalar | null> = {};
  query.groupBy.forEach((g, i) => {
    const [t, n, s, b] = values.slice(i * 4, i * 4 + 4);
    group[g.alias] = t === 'number' ? Number(n) : t === 'string' ? (s instanceof Date ? s.toISOString() : String(s)) : t === 'boolean' ? b === true || b === 1 || b === 'true' : null;
  });
  const metrics: Record<string, number | null> = {};
  query.metrics.forEach((m, i) => {
    const v = values[query.groupBy.length * 4 + i];
    metrics[m.alias] = v === null || v === undefined ? null : Number(v);
  });
  return { group, metrics };
}

// Aggregations over a bucket's objects (SPEC §13.4): pre-filter, unwind, group (with date_trunc /
// date_part and range buckets), aggregate, having, sort and limit. Evaluated in the engine over the
// bucket's rows, like lists (object-query.ts).
import { BadRequestError } from '../errors.ts';
import { isPlainObject } from '../buckets/field-values.ts';
import { compileFilter, valuesAt } from './object-query.ts';

export interface GroupBySpec {
  field: string;
  alias?: string | null;
  date_trunc?: string | null;
  date_part?: string | null;
}
export interface AggregationSpec {
  function: string;
  field?: string | null;
  alias: string;
  distinct_field?: string | null;
}
export interface HavingSpec {
  field: string;
  operator: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'ne';
  value: unknown;
}
export interface RangeBucketSpec {
  field: string;
  boundaries: number[];
  default_bucket?: string | null;
}
export interface AggregationRequest {
  group_by: GroupBySpec[];
  aggregations: AggregationSpec[];
  filters?: Record<string, unknown> | null;
  having?: HavingSpec[] | null;
  unwind?: string | null;
  range_buckets?: RangeBucketSpec[] | null;
  sort_by?: string | null;
  sort_direction?: 'asc' | 'desc';
  limit?: number | null;
}

export interface AggregationOutput {
  results: { group: Record<string, unknown>; metrics: Record<string, unknown> }[];
  total_groups: number;
}

const MONGO_OPS: Record<string, string> = { $eq: 'eq', $ne: 'ne', $gt: 'gt', $gte: 'gte', $lt: 'lt', $lte: 'lte', $in: 'in', $nin: 'nin', $exists: 'exists', $regex: 'regex' };

/** The docs' Mongo-ish pre-filter ({"created_at": {"$gte": …}}) as a LogicalOperator; a LogicalOperator passes through. */
function toLogical(filters: Record<string, unknown>): unknown {
  const conditions: unknown[] = [];
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => Object.hasOwn(MONGO_OPS, k))) {
      for (const [op, v] of Object.entries(value)) conditions.push({ field: key, operator: MONGO_OPS[op], value: v });
    } else rest[key] = value;
  }
  return conditions.length === 0 ? rest : { ...rest, AND: [...(Array.isArray(rest.AND) ? rest.AND : []), ...conditions] };
}

function first(view: unknown, path: string): unknown {
  const values = valuesAt(view, path);
  return values.length === 0 ? null : values[0];
}

function dateKey(value: unknown, spec: GroupBySpec): unknown {
  if (typeof value !== 'string') return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  const iso = d.toISOString();
  if (spec.date_trunc) {
    const lengths: Record<string, number> = { year: 4, month: 7, day: 10, hour: 13, minute: 16, second: 19 };
    if (spec.date_trunc === 'week') {
      const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)));
      return monday.toISOString().slice(0, 10);
    }
    const n = lengths[spec.date_trunc];
    if (n === undefined) throw new BadRequestError(`group_by date_trunc must be one of year, month, week, day, hour, minute, second`, { field: 'group_by.date_trunc' });
    return iso.slice(0, n);
  }
  switch (spec.date_part) {
    case 'year': return d.getUTCFullYear();
    case 'month': return d.getUTCMonth() + 1;
    case 'day': return d.getUTCDate();
    case 'hour': return d.getUTCHours();
    case 'minute': return d.getUTCMinutes();
    case 'second': return d.getUTCSeconds();
    case 'dayOfWeek': return d.getUTCDay() + 1;
    case 'dayOfYear': return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    case 'week': return Math.floor((Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1 + 6) / 7);
    default: throw new BadRequestError('group_by date_part must be one of year, month, week, day, dayOfWeek, dayOfYear, hour, minute, second', { field: 'group_by.date_part' });
  }
}

function rangeLabel(value: unknown, spec: RangeBucketSpec): string {
  const b = spec.boundaries;
  if (typeof value !== 'number') return spec.default_bucket ?? 'other';
  // N boundaries make N+1 buckets; a value equal to a boundary falls into the lower bucket.
  if (value <= b[0]!) return `<=${b[0]}`;
  for (let i = 1; i < b.length; i++) if (value <= b[i]!) return `${b[i - 1]}-${b[i]}`;
  return `>${b[b.length - 1]}`;
}

function metric(spec: AggregationSpec, rows: unknown[]): unknown {
  const field = spec.field ?? spec.distinct_field ?? null;
  if (spec.function !== 'count' && field === null) throw new BadRequestError(`aggregation "${spec.alias}" (${spec.function}) needs a field`, { field: 'aggregations' });
  const values = field === null ? [] : rows.map((r) => first(r, field)).filter((v) => v !== null && v !== undefined);
  const numbers = values.filter((v): v is number => typeof v === 'number');
  switch (spec.function) {
    case 'count': return field === null ? rows.length : values.length;
    case 'count_distinct': return new Set(values.map((v) => JSON.stringify(v))).size;
    case 'sum': return numbers.reduce((a, b) => a + b, 0);
    case 'avg': return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
    case 'min': return values.reduce<unknown>((m, v) => (m === null || (v as number | string) < (m as number | string) ? v : m), null);
    case 'max': return values.reduce<unknown>((m, v) => (m === null || (v as number | string) > (m as number | string) ? v : m), null);
    case 'first': return values[0] ?? null;
    case 'last': return values[values.length - 1] ?? null;
    case 'push': return values;
    case 'add_to_set': return [...new Map(values.map((v) => [JSON.stringify(v), v])).values()];
    default: throw new BadRequestError(`aggregation function must be one of count, count_distinct, sum, avg, min, max, first, last, push, add_to_set`, { field: 'aggregations' });
  }
}

function cmp(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

export function aggregate(views: Record<string, unknown>[], request: AggregationRequest): AggregationOutput {
  const filter = compileFilter(request.filters ? toLogical(request.filters) : null, false);
  let rows: Record<string, unknown>[] = views.filter(filter);
  if (request.unwind) {
    const path = request.unwind;
    rows = rows.flatMap((r) => {
      const values = valuesAt(r, path).filter((v) => !Array.isArray(v));
      const container = path.split('.').slice(0, -1);
      const leaf = path.split('.').at(-1)!;
      return values.map((v) => {
        const copy = structuredClone(r);
        let target: Record<string, unknown> = copy;
        for (const seg of container) target = isPlainObject(target[seg]) ? (target[seg] as Record<string, unknown>) : (target[seg] = {});
        target[leaf] = v;
        if (container.length === 0 && isPlainObject(copy.metadata)) copy.metadata[leaf] = v;
        return copy;
      });
    });
  }
  const ranges = new Map((request.range_buckets ?? []).map((r) => [r.field, r]));
  const groups = new Map<string, { group: Record<string, unknown>; rows: unknown[] }>();
  for (const row of rows) {
    const group: Record<string, unknown> = {};
    for (const g of request.group_by) {
      const raw = first(row, g.field);
      const range = ranges.get(g.field);
      group[g.alias ?? g.field] = range ? rangeLabel(raw, range) : g.date_trunc || g.date_part ? dateKey(raw, g) : raw;
    }
    const key = JSON.stringify(group);
    const entry = groups.get(key) ?? { group, rows: [] };
    entry.rows.push(row);
    groups.set(key, entry);
  }
  let results = [...groups.values()].map(({ group, rows: members }) => ({
    group,
    metrics: Object.fromEntries(request.aggregations.map((a) => [a.alias, metric(a, members)])),
  }));
  for (const h of request.having ?? []) {
    results = results.filter((r) => {
      const v = r.metrics[h.field] ?? r.group[h.field];
      const c = cmp(v, h.value);
      return { gt: c > 0, gte: c >= 0, lt: c < 0, lte: c <= 0, eq: c === 0, ne: c !== 0 }[h.operator];
    });
  }
  if (request.sort_by) {
    const by = request.sort_by;
    const dir = request.sort_direction === 'asc' ? 1 : -1;
    results.sort((a, b) => cmp(a.metrics[by] ?? a.group[by], b.metrics[by] ?? b.group[by]) * dir);
  }
  if (request.limit) results = results.slice(0, request.limit);
  return { results, total_groups: results.length };
}

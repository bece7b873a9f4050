// The filter language evaluated in memory, with exactly the semantics the SQL compiler gives it
// (src/adapters/metadata/query/): the embedded vector index filters its payloads with this, and
// the property test holds the two to each other.
//
//   - A field is read by its dotted path through nested objects; a path that runs into a
//     non-object is absent. A record's NULL columns are absent too (the caller leaves them out).
//   - Conditions never convert types: "5" is not 5, and a number condition on a string is false.
//   - eq/ne/in/nin/contains/starts_with/ends_with/regex fold case unless case_sensitive; text
//     always folds; gt/lt/gte/lte compare strings by code point and never fold.
//   - ne and nin are the negations of eq and in: they match absent fields and other types.
//   - exists: the field is present (a JSON null counts); is_null: absent or null.
import { AGGREGATE_FUNCTIONS } from './types.ts';
import type { AggregateQuery, AggregateRow, FilterCondition, FilterNode, Scalar, SortOption } from './types.ts';

export type Record_ = Record<string, unknown>;

export function readPath(record: Record_, path: string): unknown {
  let node: unknown = record;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record_)[segment];
  }
  return node;
}

export function matches(filter: FilterNode | null, record: Record_): boolean {
  if (filter === null) return true;
  switch (filter.kind) {
    case 'and':
      return filter.children.every((c) => matches(c, record));
    case 'or':
      return filter.children.some((c) => matches(c, record));
    case 'not':
      return !matches(filter.child, record);
    default:
      return conditionMatches(filter, readPath(record, filter.field));
  }
}

const fold = (s: string, caseSensitive: boolean) => (caseSensitive ? s : s.toLowerCase());

function equals(actual: unknown, expected: Scalar, caseSensitive: boolean): boolean {
  if (typeof expected === 'string') return typeof actual === 'string' && fold(actual, caseSensitive) === fold(expected, caseSensitive);
  return typeof actual === typeof expected && actual === expected;
}

function compare(actual: unknown, expected: string | number): number | null {
  if (typeof expected === 'number') return typeof actual === 'number' ? actual - expected : null;
  if (typeof actual !== 'string') return null;
  return actual < expected ? -1 : actual > expected ? 1 : 0;
}

function conditionMatches(c: FilterCondition, actual: unknown): boolean {
  switch (c.operator) {
    case 'eq':
      return equals(actual, c.value, c.caseSensitive);
    case 'ne':
      return !equals(actual, c.value, c.caseSensitive);
    case 'in':
      return c.value.some((v) => equals(actual, v, c.caseSensitive));
    case 'nin':
      return !c.value.some((v) => equals(actual, v, c.caseSensitive));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const d = compare(actual, c.value);
      if (d === null) return false;
      return c.operator === 'gt' ? d > 0 : c.operator === 'gte' ? d >= 0 : c.operator === 'lt' ? d < 0 : d <= 0;
    }
    case 'contains':
    case 'starts_with':
    case 'ends_with':
    case 'text': {
      if (typeof actual !== 'string') return false;
      const cs = c.operator !== 'text' && c.caseSensitive;
      const [a, v] = [fold(actual, cs), fold(c.value, cs)];
      return c.operator === 'starts_with' ? a.startsWith(v) : c.operator === 'ends_with' ? a.endsWith(v) : a.includes(v);
    }
    case 'regex':
      return typeof actual === 'string' && cachedRegExp(c.value, c.caseSensitive).test(actual);
    case 'exists':
      return (actual !== undefined) === c.value;
    case 'is_null':
      return (actual === undefined || actual === null) === c.value;
  }
}

const regexCache = new Map<string, RegExp>();
export function cachedRegExp(pattern: string, caseSensitive: boolean): RegExp {
  const key = `${caseSensitive ? 's' : 'i'}${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    if (regexCache.size > 500) regexCache.clear();
    re = new RegExp(pattern, caseSensitive ? '' : 'i');
    regexCache.set(key, re);
  }
  return re;
}

/** Search: any of the fields, as a string, contains the text (folded unless caseSensitive). */
export function searchMatches(search: string | null, fields: readonly string[], record: Record_, caseSensitive: boolean): boolean {
  if (search === null) return true;
  const needle = fold(search, caseSensitive);
  return fields.some((f) => {
    const v = readPath(record, f);
    return typeof v === 'string' && fold(v, caseSensitive).includes(needle);
  });
}

/**
 * The sort order both backends use for a field whose values may be of any type: ascending puts
 * numbers (by value), then strings (by code point), then booleans (false first), then absent or
 * null values; descending is the exact reverse.
 */
export function compareBySort(sort: readonly SortOption[], a: Record_, b: Record_): number {
  for (const { field, direction } of sort) {
    const d = compareValues(readPath(a, field), readPath(b, field));
    if (d !== 0) return direction === 'asc' ? d : -d;
  }
  return 0;
}

function rank(v: unknown): number {
  return typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : 3;
}

function compareValues(a: unknown, b: unknown): number {
  const [ra, rb] = [rank(a), rank(b)];
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number);
  if (ra === 1) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ra === 2) return Number(a) - Number(b);
  return 0;
}

/**
 * Groups and metrics in memory: a group key is the field's value when it is a scalar, else null;
 * sum/avg/min/max take the numbers of the group only (null when it has none); count counts rows,
 * or with a field the rows where it is present and not null.
 */
export function aggregate(query: AggregateQuery, records: readonly Record_[]): AggregateRow[] {
  const groups = new Map<string, { group: Record<string, Scalar | null>; rows: Record_[] }>();
  for (const record of records) {
    if (!matches(query.filter, record)) continue;
    const group = Object.fromEntries(query.groupBy.map((g) => [g.alias, scalarOrNull(readPath(record, g.field))]));
    const key = JSON.stringify(query.groupBy.map((g) => group[g.alias]));
    let entry = groups.get(key);
    if (!entry) groups.set(key, (entry = { group, rows: [] }));
    entry.rows.push(record);
  }
  const rows = [...groups.values()].map(({ group, rows }) => ({
    group,
    metrics: Object.fromEntries(query.metrics.map((m) => [m.alias, metric(m.function, m.field, rows)])),
  }));
  return rows.slice(0, query.limit);
}

function scalarOrNull(v: unknown): Scalar | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

function metric(fn: (typeof AGGREGATE_FUNCTIONS)[number], field: string | null, rows: Record_[]): number | null {
  if (fn === 'count') return field === null ? rows.length : rows.filter((r) => readPath(r, field) !== undefined && readPath(r, field) !== null).length;
  const numbers = rows.map((r) => readPath(r, field!)).filter((v): v is number => typeof v === 'number');
  if (numbers.length === 0) return null;
  if (fn === 'sum') return numbers.reduce((s, n) => s + n, 0);
  if (fn === 'avg') return numbers.reduce((s, n) => s + n, 0) / numbers.length;
  return fn === 'min' ? Math.min(...numbers) : Math.max(...numbers);
}

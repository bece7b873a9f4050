// Parses what a client sent as `filters`, `sort`, `search` and paging into a ListQuery (types.ts).
// Accepted filter forms (SPEC §0.4):
//   {"AND": [...], "OR": [...], "NOT": [...] | {...}, "case_sensitive": false}
//   {"field": "status", "operator": "eq", "value": "PENDING"}          (operator defaults to eq)
//   {"metadata.campaign": "x", "status": "PENDING"}                   (shorthand: AND of equalities;
//                                                                      a list means `in`; an object of
//                                                                      Mongo-style $eq/$gt/… operators)
// Every refusal is a BadRequestError (code `invalid_filter`, `invalid_sort`, `invalid_query`) naming
// the offending part by its path in the request, e.g. `filters.AND[2].operator`.
import { BadRequestError } from '../errors.ts';
import {
  MAX_ABS_NUMBER,
  MAX_FILTER_DEPTH,
  MAX_FILTER_NODES,
  MAX_GROUP_FIELDS,
  MAX_GROUPS,
  MAX_IN_VALUES,
  MAX_METRICS,
  MAX_OFFSET,
  MAX_PATH_SEGMENTS,
  MAX_REGEX_LENGTH,
  MAX_SEGMENT_LENGTH,
  MAX_SORTS,
  MAX_STRING_VALUE,
} from './bounds.ts';
import { AGGREGATE_FUNCTIONS, FILTER_OPERATORS, type AggregateQuery, type FilterCondition, type FilterNode, type FilterOperator, type ListQuery, type Scalar, type SortOption } from './types.ts';

const LOGICAL_KEYS = new Set(['AND', 'OR', 'NOT', 'case_sensitive']);
const CONDITION_KEYS = new Set(['field', 'operator', 'value']);
const MONGO_OPERATORS: Record<string, FilterOperator> = {
  $eq: 'eq', $ne: 'ne', $gt: 'gt', $gte: 'gte', $lt: 'lt', $lte: 'lte', $in: 'in', $nin: 'nin', $exists: 'exists', $regex: 'regex',
};
const SEGMENT = new RegExp(`^[A-Za-z_][A-Za-z0-9_-]{0,${MAX_SEGMENT_LENGTH - 1}}$`);

function invalid(code: string, at: string, message: string, details: Record<string, unknown> = {}): never {
  throw new BadRequestError(`${at}: ${message}`, { field: at, ...details }, code);
}

/**
 * A dotted field path (`metadata.campaign`): segments start with a letter or `_` and hold letters,
 * digits, `_` and `-`. Paths address object keys only (never list positions), the same way on
 * every backend.
 */
export function parseFieldPath(value: unknown, at: string, code = 'invalid_filter'): string {
  if (typeof value !== 'string' || value === '') invalid(code, at, 'a field must be a non-empty string');
  const segments = value.split('.');
  if (segments.length > MAX_PATH_SEGMENTS) invalid(code, at, `a field path has at most ${MAX_PATH_SEGMENTS} segments`);
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) invalid(code, at, `'${value.slice(0, 80)}' is not a field path (segments of letters, digits, '_' and '-', starting with a letter or '_', at most ${MAX_SEGMENT_LENGTH} characters)`);
  }
  return value;
}

interface FilterState {
  nodes: number;
}

/** Parses `filters`; null when absent or empty. */
export function parseFilter(input: unknown, at = 'filters', inheritedCaseSensitive = false): FilterNode | null {
  if (input === undefined || input === null) return null;
  const node = logical(input, at, 1, inheritedCaseSensitive, { nodes: 0 });
  return node;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function count(state: FilterState, at: string): void {
  if (++state.nodes > MAX_FILTER_NODES) invalid('invalid_filter', at, `a filter holds at most ${MAX_FILTER_NODES} conditions and operators`);
}

function logical(input: unknown, at: string, depth: number, inherited: boolean, state: FilterState): FilterNode | null {
  if (!isPlainObject(input)) invalid('invalid_filter', at, 'expected an object');
  if (depth > MAX_FILTER_DEPTH) invalid('invalid_filter', at, `filters nest at most ${MAX_FILTER_DEPTH} levels deep`, { limit: MAX_FILTER_DEPTH });
  count(state, at);
  let caseSensitive = inherited;
  if ('case_sensitive' in input && input.case_sensitive !== undefined && input.case_sensitive !== null) {
    if (typeof input.case_sensitive !== 'boolean') invalid('invalid_filter', `${at}.case_sensitive`, 'expected a boolean');
    caseSensitive = input.case_sensitive;
  }
  if (isConditionObject(input)) return condition(input, at, caseSensitive);

  const parts: FilterNode[] = [];
  for (const key of ['AND', 'OR', 'NOT'] as const) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    const items = key === 'NOT' && isPlainObject(value) ? [value] : value;
    if (!Array.isArray(items)) invalid('invalid_filter', `${at}.${key}`, 'expected a list of conditions');
    if (items.length > MAX_FILTER_NODES) invalid('invalid_filter', `${at}.${key}`, `a filter holds at most ${MAX_FILTER_NODES} conditions and operators`);
    const children = items
      .map((item, i) => logical(item, key === 'NOT' && !Array.isArray(value) ? `${at}.NOT` : `${at}.${key}[${i}]`, depth + 1, caseSensitive, state))
      .filter((c): c is FilterNode => c !== null);
    if (key === 'AND') parts.push(...children);
    // An empty OR matches nothing only in logic textbooks; clients send it meaning "no condition".
    else if (key === 'OR' && children.length > 0) parts.push(children.length === 1 ? children[0]! : { kind: 'or', children });
    // NOT: every listed condition must be false.
    else if (key === 'NOT') parts.push(...children.map((child): FilterNode => ({ kind: 'not', child })));
  }
  for (const [key, value] of Object.entries(input)) {
    if (LOGICAL_KEYS.has(key)) continue;
    parts.push(...shorthand(key, value, `${at}.${key}`, caseSensitive, state));
  }
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : { kind: 'and', children: parts };
}

/** `{field, operator?, value?}` and nothing else (a shorthand may name a user field `field`, but then not alone with a string). */
function isConditionObject(input: Record<string, unknown>): boolean {
  return typeof input.field === 'string' && Object.keys(input).every((k) => CONDITION_KEYS.has(k) || k === 'case_sensitive');
}

function shorthand(field: string, value: unknown, at: string, caseSensitive: boolean, state: FilterState): FilterNode[] {
  parseFieldPath(field, at);
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) invalid('invalid_filter', at, 'expected a value or an object of operators ($eq, $gt, …)');
    return entries.map(([op, operand]) => {
      const operator = Object.hasOwn(MONGO_OPERATORS, op) ? MONGO_OPERATORS[op] : undefined;
      if (!operator) invalid('invalid_filter', `${at}.${op}`, `unknown operator; expected one of ${Object.keys(MONGO_OPERATORS).join(', ')}`);
      count(state, at);
      return condition({ field, operator, value: operand }, `${at}.${op}`, caseSensitive);
    });
  }
  count(state, at);
  return [condition({ field, operator: Array.isArray(value) ? 'in' : 'eq', value }, at, caseSensitive)];
}

function condition(input: Record<string, unknown>, at: string, caseSensitive: boolean): FilterCondition {
  const field = parseFieldPath(input.field, `${at}.field`);
  const op = input.operator ?? 'eq';
  if (typeof op !== 'string' || !(FILTER_OPERATORS as readonly string[]).includes(op)) {
    invalid('invalid_filter', `${at}.operator`, `unknown operator ${JSON.stringify(op).slice(0, 40)}; expected one of ${FILTER_OPERATORS.join(', ')}`, { allowed: [...FILTER_OPERATORS] });
  }
  const operator = op as FilterOperator;
  const valueAt = `${at}.value`;
  const value = input.value;
  if (isPlainObject(value) && value.type === 'dynamic') invalid('invalid_filter', valueAt, 'dynamic values are resolved only in retriever inputs, not in list filters');
  switch (operator) {
    case 'eq':
    case 'ne':
      // `eq null` is how clients ask for a missing field.
      if (value === null) return { kind: 'condition', field, operator: 'is_null', value: operator === 'eq', caseSensitive };
      return { kind: 'condition', field, operator, value: scalar(value, valueAt), caseSensitive };
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte': {
      const v = scalar(value, valueAt);
      if (typeof v === 'boolean') invalid('invalid_filter', valueAt, `${operator} compares numbers or strings, not booleans`);
      return { kind: 'condition', field, operator, value: v, caseSensitive };
    }
    case 'in':
    case 'nin': {
      if (!Array.isArray(value)) invalid('invalid_filter', valueAt, `${operator} expects a list of values`);
      if (value.length > MAX_IN_VALUES) invalid('invalid_filter', valueAt, `${operator} takes at most ${MAX_IN_VALUES} values`, { limit: MAX_IN_VALUES });
      return { kind: 'condition', field, operator, value: value.map((v, i) => scalar(v, `${valueAt}[${i}]`)), caseSensitive };
    }
    case 'exists':
    case 'is_null': {
      if (value !== undefined && value !== null && typeof value !== 'boolean') invalid('invalid_filter', valueAt, `${operator} expects true or false`);
      return { kind: 'condition', field, operator, value: value !== false, caseSensitive };
    }
    case 'regex':
      return { kind: 'condition', field, operator, value: checkRegex(string(value, valueAt), valueAt), caseSensitive };
    default:
      return { kind: 'condition', field, operator, value: string(value, valueAt), caseSensitive };
  }
}

function string(value: unknown, at: string): string {
  if (typeof value !== 'string') invalid('invalid_filter', at, 'expected a string');
  if (value.length > MAX_STRING_VALUE) invalid('invalid_filter', at, `a string value has at most ${MAX_STRING_VALUE} characters`, { limit: MAX_STRING_VALUE });
  if (value.includes('\u0000')) invalid('invalid_filter', at, 'a string value must not contain the NUL character');
  return value;
}

function scalar(value: unknown, at: string): Scalar {
  if (typeof value === 'string') return string(value, at);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > MAX_ABS_NUMBER) invalid('invalid_filter', at, `a number must be finite and within ±${MAX_ABS_NUMBER}`);
    return value;
  }
  return invalid('invalid_filter', at, 'expected a string, number or boolean');
}

/**
 * Patterns run on PostgreSQL's engine, SQLite's (a JavaScript RegExp) and the in-memory
 * evaluator's, so only their common, linear-time-friendly subset is accepted: no backreferences,
 * no lookbehind or inline flags, and no quantified group that itself holds a quantifier or an
 * alternation (`(a+)+`, `(a|aa)*`: catastrophic backtracking).
 */
export function checkRegex(pattern: string, at: string): string {
  if (pattern.length > MAX_REGEX_LENGTH) invalid('invalid_filter', at, `a regex has at most ${MAX_REGEX_LENGTH} characters`, { limit: MAX_REGEX_LENGTH });
  try {
    new RegExp(pattern);
  } catch {
    invalid('invalid_filter', at, 'not a valid regular expression');
  }
  if (/\\[1-9]|\\k</.test(pattern)) invalid('invalid_filter', at, 'backreferences are not supported in regex filters');
  // Each open group: whether it holds a quantifier or an alternation.
  const groups: { risky: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (pattern[i + 1] === '?' && !(pattern[i + 2] === ':' || pattern[i + 2] === '=' || pattern[i + 2] === '!')) {
        invalid('invalid_filter', at, 'only (?:…), (?=…) and (?!…) groups are supported in regex filters');
      }
      groups.push({ risky: false });
    } else if (c === ')') {
      const group = groups.pop();
      const next = pattern[i + 1];
      const quantified = next === '*' || next === '+' || next === '?' || next === '{';
      if (group?.risky && quantified && next !== '?') invalid('invalid_filter', at, 'a repeated group must not itself repeat or alternate (catastrophic backtracking)');
      if (group?.risky || quantified) markRisky(groups);
    } else if (c === '*' || c === '+' || c === '{' || c === '|') markRisky(groups);
  }
  return pattern;
}

function markRisky(groups: { risky: boolean }[]): void {
  const top = groups.at(-1);
  if (top) top.risky = true;
}

/** Parses `sort`: one SortOption or a list of them; direction defaults to asc. */
export function parseSort(input: unknown, at = 'sort'): SortOption[] {
  if (input === undefined || input === null) return [];
  const items = Array.isArray(input) ? input : [input];
  if (items.length > MAX_SORTS) invalid('invalid_sort', at, `at most ${MAX_SORTS} sort keys`);
  return items.map((item, i) => {
    const itemAt = Array.isArray(input) ? `${at}[${i}]` : at;
    if (!isPlainObject(item)) invalid('invalid_sort', itemAt, 'expected {field, direction}');
    const direction = item.direction ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') invalid('invalid_sort', `${itemAt}.direction`, "expected 'asc' or 'desc'");
    return { field: parseFieldPath(item.field, `${itemAt}.field`, 'invalid_sort'), direction };
  });
}

/** What a list endpoint received (body and query parameters together). */
export interface ListQueryInput {
  filters?: unknown;
  sort?: unknown;
  search?: unknown;
  case_sensitive?: unknown;
  limit?: unknown;
  offset?: unknown;
  cursor?: unknown;
  include_total?: unknown;
}

export interface ListQueryDefaults {
  /** The resource's default page size (SPEC §0.3: buckets 10, uploads 20, batches 100, …). */
  limit: number;
  /** The resource's largest page size. */
  maxLimit: number;
}

export function parseListQuery(input: ListQueryInput, defaults: ListQueryDefaults): ListQuery {
  const caseSensitive = input.case_sensitive ?? false;
  if (typeof caseSensitive !== 'boolean') invalid('invalid_query', 'case_sensitive', 'expected a boolean');
  const search = input.search ?? null;
  if (search !== null && typeof search !== 'string') invalid('invalid_query', 'search', 'expected a string');
  if (search !== null && search.length > MAX_STRING_VALUE) invalid('invalid_query', 'search', `at most ${MAX_STRING_VALUE} characters`);
  const limit = integer(input.limit ?? defaults.limit, 'limit', 1, defaults.maxLimit);
  let offset = integer(input.offset ?? 0, 'offset', 0, MAX_OFFSET);
  if (input.cursor !== undefined && input.cursor !== null && input.cursor !== '') offset = decodeCursor(input.cursor);
  const includeTotal = input.include_total ?? false;
  if (typeof includeTotal !== 'boolean') invalid('invalid_query', 'include_total', 'expected a boolean');
  return {
    filter: parseFilter(input.filters, 'filters', caseSensitive),
    sort: parseSort(input.sort),
    search: search === null || search === '' ? null : search,
    caseSensitive,
    limit,
    offset,
    includeTotal,
  };
}

function integer(value: unknown, at: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid('invalid_query', at, `expected an integer from ${min} to ${max}`);
  return value;
}

/** Cursors are opaque to clients: the offset of the next page, so any sort can be resumed. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeCursor(cursor: unknown): number {
  if (typeof cursor !== 'string' || cursor.length > 64) invalid('invalid_query', 'cursor', 'not a cursor this server issued');
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && o <= MAX_OFFSET) return o;
  } catch {
    // Falls through to the refusal.
  }
  return invalid('invalid_query', 'cursor', 'not a cursor this server issued');
}

/** What an aggregate endpoint received (SPEC §13.4, the subset Tessera runs). */
export interface AggregateQueryInput {
  filters?: unknown;
  group_by?: unknown;
  aggregations?: unknown;
  limit?: unknown;
}

export function parseAggregateQuery(input: AggregateQueryInput): AggregateQuery {
  const groups = input.group_by;
  if (!Array.isArray(groups) || groups.length === 0 || groups.length > MAX_GROUP_FIELDS) invalid('invalid_query', 'group_by', `expected 1 to ${MAX_GROUP_FIELDS} fields`);
  const groupBy = groups.map((g, i) => {
    const item = typeof g === 'string' ? { field: g } : g;
    if (!isPlainObject(item)) invalid('invalid_query', `group_by[${i}]`, 'expected a field or {field, alias}');
    if (item.date_trunc !== undefined || item.date_part !== undefined) invalid('invalid_query', `group_by[${i}]`, 'date_trunc and date_part are not supported');
    const field = parseFieldPath(item.field, `group_by[${i}].field`, 'invalid_query');
    return { field, alias: alias(item.alias ?? field, `group_by[${i}].alias`) };
  });
  const aggregations = input.aggregations;
  if (!Array.isArray(aggregations) || aggregations.length === 0 || aggregations.length > MAX_METRICS) invalid('invalid_query', 'aggregations', `expected 1 to ${MAX_METRICS} aggregations`);
  const metrics = aggregations.map((a, i) => {
    const at = `aggregations[${i}]`;
    if (!isPlainObject(a)) invalid('invalid_query', at, 'expected {function, field, alias}');
    const fn = a.function;
    if (typeof fn !== 'string' || !(AGGREGATE_FUNCTIONS as readonly string[]).includes(fn)) invalid('invalid_query', `${at}.function`, `expected one of ${AGGREGATE_FUNCTIONS.join(', ')}`);
    const field = fn === 'count' && (a.field === undefined || a.field === null) ? null : parseFieldPath(a.field, `${at}.field`, 'invalid_query');
    return { function: fn as AggregateQuery['metrics'][number]['function'], field, alias: alias(a.alias ?? (field ? `${fn}_${field}` : fn), `${at}.alias`) };
  });
  const aliases = [...groupBy.map((g) => g.alias), ...metrics.map((m) => m.alias)];
  const duplicate = aliases.find((a, i) => aliases.indexOf(a) !== i);
  if (duplicate !== undefined) invalid('invalid_query', 'aggregations', `alias '${duplicate}' is used twice`);
  return { filter: parseFilter(input.filters), groupBy, metrics, limit: integer(input.limit ?? 100, 'limit', 1, MAX_GROUPS) };
}

function alias(value: unknown, at: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(value)) invalid('invalid_query', at, 'an alias is 1 to 128 letters, digits, `_`, `.` or `-`, starting with a letter or `_`');
  return value;
}

// Lists of a bucket's objects (SPEC §0.4, §8): LogicalOperator filters, sort, search, select and
// paging, evaluated over each object's view (its user fields flat, under "metadata." too, and its
// own keys). Evaluated in the engine over the bucket's rows until the shared list-query module
// compiles the same language to SQL.
import { BadRequestError } from '../errors.ts';
import { isPlainObject } from '../buckets/field-values.ts';
import type { BucketObject } from './types.ts';

export const FILTER_OPERATORS = ['eq', 'ne', 'gt', 'lt', 'gte', 'lte', 'in', 'nin', 'contains', 'starts_with', 'ends_with', 'regex', 'exists', 'is_null', 'text'] as const;
type Operator = (typeof FILTER_OPERATORS)[number];

const MAX_FILTER_NODES = 500;
const MAX_FILTER_DEPTH = 16;
const MAX_REGEX_LENGTH = 256;

export interface ListQuery {
  filters: unknown;
  sort: { field: string; direction: 'asc' | 'desc' } | null;
  search: string | null;
  select: string[] | null;
  caseSensitive: boolean;
  limit: number;
  offset: number;
}

type Predicate = (view: Record<string, unknown>) => boolean;

/** What filters, sort and select see of an object. */
export function objectView(o: BucketObject): Record<string, unknown> {
  return {
    ...o.fields,
    metadata: o.fields,
    object_id: o.objectId,
    bucket_id: o.bucketId,
    namespace_id: o.namespaceId,
    key_prefix: o.keyPrefix,
    status: o.status,
    error: o.error,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    blobs: o.blobs.map((b) => ({ blob_id: b.blobId, property: b.property, type: b.type, key_prefix: b.keyPrefix, details: { filename: b.filename, size_bytes: b.sizeBytes, mime_type: b.mimeType, hash: b.hash } })),
  };
}

/** The values at a dotted path; arrays along the way fan out (a condition holds if any value satisfies it). */
export function valuesAt(view: unknown, path: string): unknown[] {
  let current: unknown[] = [view];
  for (const segment of path.split('.')) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        for (const item of v) if (isPlainObject(item) && Object.hasOwn(item, segment)) next.push(item[segment]);
      } else if (isPlainObject(v) && Object.hasOwn(v, segment)) next.push(v[segment]);
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? [v, ...v] : [v]));
}

function bad(message: string): never {
  throw new BadRequestError(`Invalid filters: ${message}`, { field: 'filters' });
}

function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return null;
}

function equal(a: unknown, b: unknown, caseSensitive: boolean): boolean {
  if (!caseSensitive && typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function condition(field: string, operator: Operator, value: unknown, caseSensitive: boolean): Predicate {
  const fold = (s: string) => (caseSensitive ? s : s.toLowerCase());
  const str = (v: unknown): string | null => (typeof v === 'string' ? fold(v) : null);
  const any = (test: (v: unknown) => boolean): Predicate => (view) => valuesAt(view, field).some(test);
  switch (operator) {
    case 'eq':
      return any((v) => equal(v, value, caseSensitive));
    case 'ne':
      return (view) => !valuesAt(view, field).some((v) => equal(v, value, caseSensitive));
    case 'gt':
      return any((v) => (compare(v, value) ?? 0) > 0 && compare(v, value) !== null);
    case 'gte':
      return any((v) => compare(v, value) !== null && compare(v, value)! >= 0);
    case 'lt':
      return any((v) => compare(v, value) !== null && compare(v, value)! < 0);
    case 'lte':
      return any((v) => compare(v, value) !== null && compare(v, value)! <= 0);
    case 'in':
    case 'nin': {
      if (!Array.isArray(value)) bad(`"${operator}" on ${field} needs an array value`);
      const hit = (view: Record<string, unknown>) => valuesAt(view, field).some((v) => value.some((w) => equal(v, w, caseSensitive)));
      return operator === 'in' ? hit : (view) => !hit(view);
    }
    case 'contains':
    case 'text': {
      if (typeof value !== 'string') return any((v) => equal(v, value, caseSensitive));
      const needle = fold(value);
      return any((v) => str(v)?.includes(needle) ?? false);
    }
    case 'starts_with':
    case 'ends_with': {
      if (typeof value !== 'string') bad(`"${operator}" on ${field} needs a string value`);
      const needle = fold(value);
      return any((v) => (operator === 'starts_with' ? str(v)?.startsWith(needle) : str(v)?.endsWith(needle)) ?? false);
    }
    case 'regex': {
      if (typeof value !== 'string' || value.length > MAX_REGEX_LENGTH) bad(`"regex" on ${field} needs a pattern of at most ${MAX_REGEX_LENGTH} characters`);
      let re: RegExp;
      try {
        re = new RegExp(value, caseSensitive ? 'u' : 'iu');
      } catch {
        bad(`"regex" on ${field} is not a valid regular expression`);
      }
      return any((v) => typeof v === 'string' && re.test(v));
    }
    case 'exists':
      return (view) => (valuesAt(view, field).length > 0) === (value !== false);
    case 'is_null':
      return (view) => {
        const values = valuesAt(view, field);
        const isNull = values.length === 0 || values.every((v) => v === null);
        return isNull === (value !== false);
      };
  }
}

/** Compiles a LogicalOperator (or the shorthand {path: value}) into a predicate; 400 on a malformed filter. */
export function compileFilter(raw: unknown, caseSensitiveDefault: boolean): Predicate {
  let nodes = 0;
  const walk = (node: unknown, depth: number, caseSensitive: boolean): Predicate => {
    if (++nodes > MAX_FILTER_NODES) bad(`at most ${MAX_FILTER_NODES} conditions`);
    if (depth > MAX_FILTER_DEPTH) bad(`nested at most ${MAX_FILTER_DEPTH} levels`);
    if (!isPlainObject(node)) bad('each filter must be an object');
    const cs = typeof node.case_sensitive === 'boolean' ? node.case_sensitive : caseSensitive;
    if (typeof node.field === 'string') {
      const operator = (node.operator ?? 'eq') as Operator;
      if (!(FILTER_OPERATORS as readonly string[]).includes(operator)) bad(`unknown operator "${String(node.operator)}" (one of ${FILTER_OPERATORS.join(', ')})`);
      if (isPlainObject(node.value) && node.value.type === 'dynamic') bad('dynamic values are resolved only in retrievers');
      return condition(node.field, operator, node.value, cs);
    }
    const parts: Predicate[] = [];
    const list = (key: string): unknown[] | null => {
      const v = node[key];
      if (v === undefined || v === null) return null;
      return Array.isArray(v) ? v : [v];
    };
    const and = list('AND');
    const or = list('OR');
    const not = list('NOT');
    if (and) {
      const ps = and.map((n) => walk(n, depth + 1, cs));
      parts.push((view) => ps.every((p) => p(view)));
    }
    if (or) {
      const ps = or.map((n) => walk(n, depth + 1, cs));
      parts.push((view) => ps.length === 0 || ps.some((p) => p(view)));
    }
    if (not) {
      const ps = not.map((n) => walk(n, depth + 1, cs));
      parts.push((view) => ps.every((p) => !p(view)));
    }
    // Shorthand: every other key is a path compared for equality.
    for (const [key, value] of Object.entries(node)) {
      if (['AND', 'OR', 'NOT', 'case_sensitive'].includes(key)) continue;
      if (++nodes > MAX_FILTER_NODES) bad(`at most ${MAX_FILTER_NODES} conditions`);
      parts.push(condition(key, 'eq', value, cs));
    }
    return (view) => parts.every((p) => p(view));
  };
  if (raw === undefined || raw === null) return () => true;
  return walk(raw, 0, caseSensitiveDefault);
}

/** Case-insensitive (unless asked) substring of any string value of the object's fields, id or key_prefix. */
export function searchPredicate(search: string | null, caseSensitive: boolean): Predicate {
  if (!search) return () => true;
  const needle = caseSensitive ? search : search.toLowerCase();
  const hit = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') return (caseSensitive ? v : v.toLowerCase()).includes(needle);
    if (depth > 8) return false;
    if (Array.isArray(v)) return v.some((x) => hit(x, depth + 1));
    if (isPlainObject(v)) return Object.values(v).some((x) => hit(x, depth + 1));
    return false;
  };
  return (view) => hit(view.object_id, 0) || hit(view.key_prefix, 0) || hit(view.metadata, 0);
}

/** Sort order over one path: nulls and missing values last, either direction. */
export function sortViews(views: Record<string, unknown>[], sort: ListQuery['sort']): void {
  if (!sort) return;
  const dir = sort.direction === 'desc' ? -1 : 1;
  const key = (v: Record<string, unknown>) => valuesAt(v, sort.field)[0] ?? null;
  views.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return (compare(x, y) ?? String(x).localeCompare(String(y))) * dir;
  });
}

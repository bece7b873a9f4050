// Filters inside stage parameters (SPEC §0.4): the documents' filter language, whose values may be
// templates (`"{{INPUT.max_price}}"`) or dynamic values (`{"type": "dynamic", "field": "inputs.user_id"}`).
//
// At creation the structure is checked with every such value replaced by a placeholder of the
// operator's kind, so a bad operator or field path is refused then, naming its path. At run time
// (after rendering) dynamic values are read from the inputs, and a condition whose value is still
// missing (an optional input not given) is dropped: `{"field": "price", "operator": "lte",
// "value": "{{INPUT.max_price}}"}` filters only when max_price is sent.
import type { FilterNode } from '../../query/types.ts';
import { parseFilter } from '../../query/index.ts';
import { checkTemplates, isTemplate } from '../template.ts';
import { isPlainObject } from './parameters.ts';

const LOGICAL = new Set(['AND', 'OR', 'NOT']);
const CONDITION_KEYS = new Set(['field', 'operator', 'value', 'case_sensitive']);
const MONGO_OPERATOR: Record<string, string> = { $eq: 'eq', $ne: 'ne', $gt: 'gt', $gte: 'gte', $lt: 'lt', $lte: 'lte', $in: 'in', $nin: 'nin', $exists: 'exists', $regex: 'regex' };
const MAX_WALK_DEPTH = 40;

function isDynamic(value: unknown): value is { type: 'dynamic'; field: string } {
  return isPlainObject(value) && value.type === 'dynamic' && typeof value.field === 'string';
}

function isConditionObject(node: Record<string, unknown>): boolean {
  return typeof node.field === 'string' && Object.keys(node).every((k) => CONDITION_KEYS.has(k));
}

/** A value of the kind the operator takes, standing in for one only known at run time. */
function placeholder(operator: unknown): unknown {
  switch (operator) {
    case 'in':
    case 'nin':
      return [];
    case 'exists':
    case 'is_null':
      return true;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return 0;
    case 'regex':
      return 'x';
    default:
      return 'x';
  }
}

function deferred(value: unknown): boolean {
  return isTemplate(value) || isDynamic(value);
}

/** Replaces run-time values with placeholders (a list keeps its literal items). */
function withPlaceholders(value: unknown, operator: unknown, at: string): unknown {
  if (deferred(value)) {
    if (isTemplate(value)) checkTemplates(value, at);
    return placeholder(operator);
  }
  if (Array.isArray(value)) return value.filter((v) => !deferred(v));
  return value;
}

function mapFilter(node: unknown, at: string, depth: number, onValue: (value: unknown, operator: unknown, at: string) => unknown): unknown {
  if (!isPlainObject(node) || depth > MAX_WALK_DEPTH) return node;
  if (isConditionObject(node)) {
    const out: Record<string, unknown> = { ...node };
    const value = onValue(node.value, node.operator ?? 'eq', `${at}.value`);
    if (value === undefined) delete out.value;
    else out.value = value;
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    if (LOGICAL.has(key)) {
      if (Array.isArray(child)) out[key] = child.map((c, i) => mapFilter(c, `${at}.${key}[${i}]`, depth + 1, onValue));
      else out[key] = mapFilter(child, `${at}.${key}`, depth + 1, onValue);
    } else if (key === 'case_sensitive') {
      out[key] = child;
    } else if (isPlainObject(child) && !isDynamic(child)) {
      // Shorthand with Mongo-style operators: {"price": {"$lte": "{{INPUT.max}}"}}.
      const ops: Record<string, unknown> = {};
      for (const [op, operand] of Object.entries(child)) {
        const value = onValue(operand, MONGO_OPERATOR[op] ?? op, `${at}.${key}.${op}`);
        if (value !== undefined) ops[op] = value;
      }
      if (Object.keys(ops).length > 0) out[key] = ops;
    } else {
      const value = onValue(child, Array.isArray(child) ? 'in' : 'eq', `${at}.${key}`);
      if (value !== undefined) out[key] = value;
    }
  }
  return out;
}

/** At creation: the filter's structure (templates and dynamic values allowed as values); returns it unchanged. */
export function checkFilterParameter(raw: unknown, at: string, inheritedCaseSensitive = false): unknown {
  if (raw === undefined || raw === null) return undefined;
  if (isTemplate(raw)) {
    checkTemplates(raw, at);
    return raw;
  }
  parseFilter(mapFilter(raw, at, 1, withPlaceholders), at, inheritedCaseSensitive);
  return raw;
}

/** At run time, after rendering: dynamic values read from the inputs, conditions without a value dropped, then parsed. */
export function resolveFilterParameter(rendered: unknown, at: string, inputs: Record<string, unknown>, inheritedCaseSensitive = false): FilterNode | null {
  if (rendered === undefined || rendered === null) return null;
  const resolve = (value: unknown, operator: unknown): unknown => {
    if (isDynamic(value)) return readInput(inputs, value.field);
    if (Array.isArray(value)) return value.map((v) => (isDynamic(v) ? readInput(inputs, v.field) : v)).filter((v) => v !== undefined);
    // A missing value for exists/is_null means true, as the filter language says.
    if (value === undefined && (operator === 'exists' || operator === 'is_null')) return undefined;
    return value;
  };
  const mapped = mapFilter(rendered, at, 1, resolve);
  return parseFilter(dropValueless(mapped), at, inheritedCaseSensitive);
}

/** Conditions left without a value (an optional input not sent) are removed; so are logical groups left empty. */
function dropValueless(node: unknown): unknown {
  if (!isPlainObject(node)) return node;
  if (isConditionObject(node)) {
    const op = node.operator ?? 'eq';
    return node.value === undefined && op !== 'exists' && op !== 'is_null' ? undefined : node;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    if (LOGICAL.has(key)) {
      const kept = (Array.isArray(child) ? child : [child]).map(dropValueless).filter((c) => c !== undefined && !(isPlainObject(c) && Object.keys(c).length === 0));
      if (kept.length > 0) out[key] = kept;
    } else out[key] = child;
  }
  return Object.keys(out).filter((k) => k !== 'case_sensitive').length === 0 ? undefined : out;
}

/** `inputs.user_id`, `INPUT.user_id`, `input.user.id` or a bare `user_id`. */
function readInput(inputs: Record<string, unknown>, path: string): unknown {
  const segments = path.split('.');
  if (segments.length > 1 && /^inputs?$/i.test(segments[0]!)) segments.shift();
  let node: unknown = inputs;
  for (const s of segments) {
    if (!isPlainObject(node) || !Object.hasOwn(node, s)) return undefined;
    node = node[s];
  }
  return node;
}

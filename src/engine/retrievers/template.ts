// Stage parameter templates (SPEC §0.7): `{{INPUT.query}}`, `{{ inputs.tags | join(", ") }}`.
//
// A small parser and evaluator, not a template engine: an expression is a path into one of the
// namespaces, or a literal, followed by `|` filters. Nothing a user writes is ever evaluated as
// code, and paths read only own properties of plain objects and positions of arrays, so no
// template reaches a prototype, a constructor or a function (`__proto__`, `constructor` and
// `prototype` segments are refused outright).
//
//   Namespaces (case-insensitive): INPUT (also `inputs`, `input`), CONTEXT, STAGE, DOC.
//     INPUT    the execute request's inputs after input_schema validation (defaults applied)
//     CONTEXT  execution_id, retriever_id, collection_ids, credits_used, budget_remaining (null
//              without max_credits), time_elapsed_ms, time_remaining_ms, stage_index, total_stages
//     STAGE    name, index, input_count, previous ({name, output_count} or null)
//     DOC      the document, for stages that render per document (none of the built-in ones yet)
//   Access:  a.b   a["b"]   a[0]   a[-1] (from the end)
//   Filters: first last join(sep = "") length lower upper default(value) tojson
//
// Rendering rules:
//   - A string that is exactly one `{{ … }}` keeps the value's type: a number input stays a number,
//     an object stays an object, and an unknown input is `undefined` (the parameter is then absent:
//     a stage uses its default, a filter condition on it is dropped, a query on it is empty).
//   - A string mixing text and expressions interpolates: unknown or null values render as "",
//     strings as themselves, numbers and booleans as JSON, objects and arrays as JSON.
//   - Anything else (`{% … %}` blocks, operators, ternaries, calls) is refused when the retriever
//     is created, naming the parameter.
import { BadRequestError } from '../errors.ts';

/** What templates may read. DOC is present only where a stage renders per document. */
export interface TemplateScope {
  INPUT: Record<string, unknown>;
  CONTEXT: Record<string, unknown>;
  STAGE: Record<string, unknown>;
  DOC?: Record<string, unknown>;
}

type Namespace = 'INPUT' | 'CONTEXT' | 'STAGE' | 'DOC';

const NAMESPACES: Record<string, Namespace> = { input: 'INPUT', inputs: 'INPUT', context: 'CONTEXT', stage: 'STAGE', doc: 'DOC' };
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const FILTERS = ['first', 'last', 'join', 'length', 'lower', 'upper', 'default', 'tojson'] as const;
type FilterName = (typeof FILTERS)[number];

/** Bounds: a template's source, the expressions in one string, and what rendering may produce. */
export const MAX_TEMPLATE_LENGTH = 10_000;
const MAX_EXPRESSIONS = 50;
const MAX_PATH_SEGMENTS = 16;
const MAX_RENDERED_LENGTH = 100_000;
const MAX_VALUE_DEPTH = 32;

type Literal = string | number | boolean | null;
type Expression =
  | { kind: 'path'; namespace: Namespace; segments: (string | number)[]; filters: FilterCall[] }
  | { kind: 'literal'; value: Literal; filters: FilterCall[] };
interface FilterCall {
  name: FilterName;
  args: Literal[];
}

export interface CompiledTemplate {
  /** Text and expressions in order. */
  parts: (string | Expression)[];
  /** The whole string is one expression: rendering keeps the value's type. */
  exact: boolean;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

const cache = new Map<string, CompiledTemplate>();
const CACHE_SIZE = 500;

export function compileTemplate(source: string): CompiledTemplate {
  const hit = cache.get(source);
  if (hit) return hit;
  const compiled = compile(source);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(source, compiled);
  return compiled;
}

function compile(source: string): CompiledTemplate {
  if (source.length > MAX_TEMPLATE_LENGTH) throw new TemplateError(`a template has at most ${MAX_TEMPLATE_LENGTH} characters`);
  if (/\{%[\s\S]*?%\}/.test(source)) throw new TemplateError('{% … %} blocks are not supported; use {{ … }} expressions');
  const parts: (string | Expression)[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    if (open === -1) {
      parts.push(source.slice(at));
      break;
    }
    if (open > at) parts.push(source.slice(at, open));
    const close = source.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateError(`unclosed '{{' at character ${open}`);
    parts.push(parseExpression(source.slice(open + 2, close)));
    if (parts.filter((p) => typeof p !== 'string').length > MAX_EXPRESSIONS) throw new TemplateError(`a template holds at most ${MAX_EXPRESSIONS} expressions`);
    at = close + 2;
  }
  return { parts, exact: parts.length === 1 && typeof parts[0] !== 'string' };
}

// ---- the expression parser -----------------------------------------------------------------

type Token = { t: 'ident'; v: string } | { t: 'string'; v: string } | { t: 'number'; v: number } | { t: 'punct'; v: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_-]/.test(text[j]!)) j++;
      tokens.push({ t: 'ident', v: text.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      const n = Number(m[0]);
      if (!Number.isFinite(n)) throw new TemplateError(`number out of range: ${m[0].slice(0, 40)}`);
      tokens.push({ t: 'number', v: n });
      i += m[0].length;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) {
          const e = text[j + 1]!;
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else value += text[j++];
      }
      if (j >= text.length) throw new TemplateError('unterminated string literal');
      tokens.push({ t: 'string', v: value });
      i = j + 1;
    } else if ('.[]|(),'.includes(c)) {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else {
      throw new TemplateError(`unsupported character '${c}' in an expression (only paths, literals and | filters are supported)`);
    }
  }
  return tokens;
}

function parseExpression(text: string): Expression {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expectPunct = (v: string) => {
    const tok = next();
    if (!tok || tok.t !== 'punct' || tok.v !== v) throw new TemplateError(`expected '${v}' in '{{${text.trim().slice(0, 80)}}}'`);
  };

  const first = next();
  if (!first) throw new TemplateError('empty expression {{ }}');
  let expression: Expression;
  if (first.t === 'ident' && !isKeywordLiteral(first.v)) {
    const namespace = NAMESPACES[first.v.toLowerCase()];
    if (!namespace) {
      const hint = /^secrets?$/i.test(first.v) ? ': secrets are not available to retriever stages' : `; expected INPUT, CONTEXT, STAGE or DOC`;
      throw new TemplateError(`unknown namespace '${first.v.slice(0, 40)}'${hint}`);
    }
    const segments: (string | number)[] = [];
    for (;;) {
      const tok = peek();
      if (!tok || tok.t !== 'punct' || (tok.v !== '.' && tok.v !== '[')) break;
      next();
      if (tok.v === '.') {
        const name = next();
        if (!name || (name.t !== 'ident' && name.t !== 'number')) throw new TemplateError(`expected a name after '.' in '{{${text.trim().slice(0, 80)}}}'`);
        segments.push(name.t === 'number' ? name.v : name.v);
      } else {
        const key = next();
        if (!key || (key.t !== 'string' && key.t !== 'number')) throw new TemplateError(`expected a string or an integer inside [ ] in '{{${text.trim().slice(0, 80)}}}'`);
        if (key.t === 'number' && !Number.isInteger(key.v)) throw new TemplateError('an index must be an integer');
        segments.push(key.v);
        expectPunct(']');
      }
      const last = segments[segments.length - 1]!;
      if (typeof last === 'string' && FORBIDDEN_SEGMENTS.has(last)) throw new TemplateError(`'${last}' may not be read by a template`);
      if (segments.length > MAX_PATH_SEGMENTS) throw new TemplateError(`a path has at most ${MAX_PATH_SEGMENTS} segments`);
    }
    expression = { kind: 'path', namespace, segments, filters: [] };
  } else {
    i--;
    expression = { kind: 'literal', value: parseLiteral(next()), filters: [] };
  }

  while (i < tokens.length) {
    expectPunct('|');
    const name = next();
    if (!name || name.t !== 'ident') throw new TemplateError("expected a filter name after '|'");
    const filter = name.v.toLowerCase() as FilterName;
    if (!(FILTERS as readonly string[]).includes(filter)) throw new TemplateError(`unknown filter '${name.v.slice(0, 40)}'; expected one of ${FILTERS.join(', ')}`);
    const args: Literal[] = [];
    const open = peek();
    if (open && open.t === 'punct' && open.v === '(') {
      next();
      const close = peek();
      if (close && close.t === 'punct' && close.v === ')') next();
      else {
        for (;;) {
          args.push(parseLiteral(next()));
          const sep = next();
          if (sep && sep.t === 'punct' && sep.v === ')') break;
          if (!sep || sep.t !== 'punct' || sep.v !== ',') throw new TemplateError(`expected ',' or ')' in the arguments of ${filter}`);
        }
      }
    }
    if (args.length > 1) throw new TemplateError(`${filter} takes at most one argument`);
    expression.filters.push({ name: filter, args });
  }
  return expression;
}

function isKeywordLiteral(word: string): boolean {
  return ['true', 'false', 'null', 'none'].includes(word.toLowerCase());
}

function parseLiteral(tok: Token | undefined): Literal {
  if (!tok) throw new TemplateError('expected a value');
  if (tok.t === 'string' || tok.t === 'number') return tok.v;
  if (tok.t === 'ident' && isKeywordLiteral(tok.v)) {
    const w = tok.v.toLowerCase();
    return w === 'true' ? true : w === 'false' ? false : null;
  }
  throw new TemplateError(`expected a literal (string, number, true, false, null), got '${String(tok.v).slice(0, 40)}'`);
}

// ---- evaluation ------------------------------------------------------------------------------

function readSegment(value: unknown, segment: string | number): unknown {
  if (Array.isArray(value)) {
    if (typeof segment !== 'number') return undefined;
    return value[segment < 0 ? value.length + segment : segment];
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return undefined;
  const key = String(segment);
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function evaluate(expression: Expression, scope: TemplateScope): unknown {
  let value: unknown;
  if (expression.kind === 'literal') value = expression.value;
  else {
    value = scope[expression.namespace];
    for (const segment of expression.segments) {
      value = readSegment(value, segment);
      if (value === undefined) break;
    }
  }
  for (const filter of expression.filters) value = applyFilter(filter, value);
  return value;
}

function applyFilter({ name, args }: FilterCall, value: unknown): unknown {
  switch (name) {
    case 'first':
      return Array.isArray(value) ? value[0] : typeof value === 'string' ? value.charAt(0) || undefined : undefined;
    case 'last':
      return Array.isArray(value) ? value[value.length - 1] : typeof value === 'string' ? value.charAt(value.length - 1) || undefined : undefined;
    case 'join': {
      const separator = args[0] === undefined || args[0] === null ? '' : String(args[0]);
      return Array.isArray(value) ? bounded(value.map(stringify).join(separator)) : value === undefined ? undefined : stringify(value);
    }
    case 'length':
      return Array.isArray(value) || typeof value === 'string' ? value.length : isPlainObject(value) ? Object.keys(value).length : 0;
    case 'lower':
      return value === undefined || value === null ? value : stringify(value).toLowerCase();
    case 'upper':
      return value === undefined || value === null ? value : stringify(value).toUpperCase();
    case 'default':
      return value === undefined || value === null ? (args[0] ?? null) : value;
    case 'tojson':
      return bounded(JSON.stringify(value ?? null));
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return bounded(JSON.stringify(value));
}

function bounded(text: string): string {
  if (text.length > MAX_RENDERED_LENGTH) throw new TemplateError(`a rendered template has at most ${MAX_RENDERED_LENGTH} characters`);
  return text;
}

/** Renders one template string (see the rules at the top). */
export function renderTemplate(source: string, scope: TemplateScope): unknown {
  const compiled = compileTemplate(source);
  if (compiled.exact) return evaluate(compiled.parts[0] as Expression, scope);
  let out = '';
  for (const part of compiled.parts) out = bounded(out + (typeof part === 'string' ? part : stringify(evaluate(part, scope))));
  return out;
}

/**
 * Renders every template string inside a parameters value (objects and arrays walked; keys are
 * never rendered). Object members that render to undefined are left out. A failure is a
 * BadRequestError naming the parameter by its path under `at`.
 */
export function renderValue(value: unknown, scope: TemplateScope, at = 'parameters', depth = 1): unknown {
  if (depth > MAX_VALUE_DEPTH) throw new BadRequestError(`${at}: parameters nest at most ${MAX_VALUE_DEPTH} levels deep`, { field: at });
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    try {
      return renderTemplate(value, scope);
    } catch (err) {
      if (err instanceof TemplateError) throw new BadRequestError(`${at}: ${err.message}`, { field: at }, 'invalid_template');
      throw err;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => renderValue(v, scope, `${at}[${i}]`, depth + 1));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const rendered = renderValue(v, scope, `${at}.${key}`, depth + 1);
      if (rendered !== undefined) out[key] = rendered;
    }
    return out;
  }
  return value;
}

/** Compiles every template string inside a value, so a bad one is refused at creation with its path. */
export function checkTemplates(value: unknown, at: string, depth = 1): void {
  if (depth > MAX_VALUE_DEPTH) throw new BadRequestError(`${at}: parameters nest at most ${MAX_VALUE_DEPTH} levels deep`, { field: at });
  if (typeof value === 'string') {
    if (!value.includes('{{') && !value.includes('{%')) return;
    try {
      compileTemplate(value);
    } catch (err) {
      if (err instanceof TemplateError) throw new BadRequestError(`${at}: ${err.message}`, { field: at }, 'invalid_template');
      throw err;
    }
  } else if (Array.isArray(value)) value.forEach((v, i) => checkTemplates(v, `${at}[${i}]`, depth + 1));
  else if (isPlainObject(value)) for (const [key, v] of Object.entries(value)) checkTemplates(v, `${at}.${key}`, depth + 1);
}

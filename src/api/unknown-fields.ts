// Unknown body fields, as Mixpeek's server treats them: pydantic ignores a field its model does not
// declare, and Mixpeek's own clients send fields newer than the published OpenAPI. Tessera drops
// such a field before the handler sees the body (so it is never stored) and names it in the
// `Tessera-Ignored-Fields` response header; TESSERA_STRICT_REQUESTS=true answers 422 instead.
//
// What counts as unknown is read from the schema, walked together with the body: a key is unknown
// only where the schema closes its object (`additionalProperties: false`). Free-form objects
// (`metadata`) and objects that take any extra field (Mixpeek's CreateObjectRequest) keep theirs.
// Where the schema offers several object shapes for the same value (a union of objects), which
// shape the client meant is not known, so nothing is dropped there and the 422 stands.

export const IGNORED_FIELDS_HEADER = 'tessera-ignored-fields';

/** The most names the header lists, and its longest value; beyond either it ends with `+N more`. */
const MAX_NAMES = 50;
const MAX_HEADER_CHARS = 1024;
/** Schemas nest a few levels; a bound keeps a self-referencing schema from looping. */
const MAX_SCHEMA_DEPTH = 32;

type Schema = Record<string, unknown>;
export type SchemaLookup = (ref: string) => Schema | undefined;

interface Unknown {
  parent: Record<string, unknown>;
  key: string;
  path: (string | number)[];
}

/** Removes the unknown fields of `data` (in place) and returns their paths; [] when there were none. */
export function dropUnknownFields(schema: Schema, data: unknown, lookup: SchemaLookup): (string | number)[][] {
  const found: Unknown[] = [];
  walk(schema, data, [], 0, lookup, found);
  for (const { parent, key } of found) delete parent[key];
  return found.map((u) => u.path);
}

function walk(input: Schema, data: unknown, path: (string | number)[], depth: number, lookup: SchemaLookup, found: Unknown[]): void {
  if (depth > MAX_SCHEMA_DEPTH || data === null || typeof data !== 'object') return;
  const schema = resolve(input, lookup);
  if (!schema) return;
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) {
    // Nullable(X) and the like: descend only when one branch alone can hold this value.
    const candidates = branches.map((b) => resolve(b, lookup)).filter((b): b is Schema => b !== undefined && accepts(b, data));
    if (candidates.length === 1) walk(candidates[0]!, data, path, depth + 1, lookup, found);
    return;
  }
  // allOf and conditionals combine shapes: a key unknown to one part may belong to another.
  if (schema.allOf || schema.if || schema.not) return;
  if (Array.isArray(data)) {
    const items = schema.items;
    if (items && typeof items === 'object' && !Array.isArray(items)) data.forEach((item, i) => walk(items as Schema, item, [...path, i], depth + 1, lookup, found));
    return;
  }
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>).map(([p, s]) => [new RegExp(p, 'u'), s] as const);
  const extra = schema.additionalProperties;
  const object = data as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const child = Object.hasOwn(properties, key) ? properties[key] : patterns.find(([p]) => p.test(key))?.[1];
    if (child) walk(child, object[key], [...path, key], depth + 1, lookup, found);
    else if (extra === false) found.push({ parent: object, key, path: [...path, key] });
    else if (extra && typeof extra === 'object') walk(extra as Schema, object[key], [...path, key], depth + 1, lookup, found);
  }
}

function resolve(schema: Schema, lookup: SchemaLookup): Schema | undefined {
  let current: Schema | undefined = schema;
  for (let hops = 0; current && typeof current.$ref === 'string'; hops++) {
    if (hops > MAX_SCHEMA_DEPTH) return undefined;
    current = lookup(current.$ref.replace(/#$/, ''));
  }
  return current;
}

/** Whether a branch's declared type admits the value's JSON type (no type: anything). */
function accepts(schema: Schema, data: object): boolean {
  const declared = schema.type;
  if (declared === undefined) return true;
  const types = Array.isArray(declared) ? declared : [declared];
  return types.includes(Array.isArray(data) ? 'array' : 'object');
}

/**
 * The header value: dotted paths with `[n]` for list items, comma-separated. Segments keep letters,
 * digits, `_` and `-`; any other character is percent-encoded (UTF-8), so a name holding `.`, `,`
 * or a control character cannot break the list or the header.
 */
export function ignoredFieldsHeader(paths: readonly (string | number)[][]): string {
  const names: string[] = [];
  let length = 0;
  for (const [index, path] of paths.entries()) {
    const name = path.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i > 0 ? '.' : ''}${encodeSegment(s)}`)).join('');
    const rest = paths.length - index;
    // Keep room for the `+N more` tail whenever something may still follow.
    if (names.length >= MAX_NAMES || length + name.length + 2 > MAX_HEADER_CHARS - (rest > 1 ? 16 : 0)) {
      names.push(`+${rest} more`);
      break;
    }
    names.push(name);
    length += name.length + 2;
  }
  return names.join(', ');
}

/**
 * The paths a header value names (the inverse of ignoredFieldsHeader), and whether the list was cut
 * short (`+N more`): for clients and tests that want the names back.
 */
export function parseIgnoredFieldsHeader(value: string): { paths: (string | number)[][]; truncated: boolean } {
  const paths: (string | number)[][] = [];
  let truncated = false;
  for (const name of value === '' ? [] : value.split(', ')) {
    if (/^\+\d+ more$/.test(name)) {
      truncated = true;
      continue;
    }
    const path: (string | number)[] = [];
    for (const [, segment, index] of name.matchAll(/(?:^|\.)([^.[]+)|\[(\d+)\]/g)) {
      path.push(index !== undefined ? Number(index) : segment === '""' ? '' : decodeURIComponent(segment!));
    }
    paths.push(path);
  }
  return { paths, truncated };
}

function encodeSegment(segment: string): string {
  // An empty key still needs a visible name.
  if (segment === '') return '""';
  return segment.replace(/[^A-Za-z0-9_-]/gu, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/** Bodies whose unknown fields were dropped, with their paths; read when the response is written. */
const ignored = new WeakMap<object, (string | number)[][]>();

export function recordIgnoredFields(body: object, paths: (string | number)[][]): void {
  ignored.set(body, paths);
}

/** The header value for a request's body, or undefined when nothing was ignored. */
export function ignoredFieldsOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const paths = ignored.get(body);
  return paths ? ignoredFieldsHeader(paths) : undefined;
}

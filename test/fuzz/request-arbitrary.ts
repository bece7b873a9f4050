// Requests for one operation, drawn from its parameters and body schema, in five families:
//   valid    — what the document allows, sent with the admin key;
//   boundary — values at and past the schema's edges (huge numbers, long and odd strings, deep and
//              wide free-form objects);
//   invalid  — wrong types, missing required fields and parameters, extra fields and parameters;
//   raw      — JSON texts JSON.stringify cannot make (1e309, NaN, duplicated keys, truncation), other
//              media types, bodies where none is expected;
//   auth     — the same requests with a read-only, revoked, wrong, malformed or missing key.
// Path parameters name real resources (from the pool) or random strings.
import fc from 'fast-check';
import type { Operation, Parameter, Schema } from './openapi-document.ts';
import { RAW_NUMBER_TOKENS, RAW_VALUE_TOKENS, RawJson, RawObject, toJsonText } from './raw-json.ts';
import { TRICKY_STRINGS, type SchemaArbitraries } from './schema-arbitrary.ts';

export const CATEGORIES = ['valid', 'boundary', 'invalid', 'raw', 'auth'] as const;
export type Category = (typeof CATEGORIES)[number];

export type AuthKind = 'admin' | 'read' | 'revoked' | 'wrong' | 'none' | 'malformed';

export type FuzzBody = { json: unknown; contentType: string } | { text: string; contentType: string | null };

export interface FuzzRequest {
  auth: AuthKind;
  /** The Authorization header for `wrong` and `malformed`. */
  authHeader?: string;
  /** Path parameter values, not yet encoded. */
  path: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body: FuzzBody | null;
}

/** Path-parameter values that name resources which exist (or existed): `{user_email, key_name, key_id}`. */
export type ResourceTuple = Record<string, string>;

type Mode = 'valid' | 'boundary' | 'invalid';

const JSON_TYPE = 'application/json';

const OTHER_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/vnd.api+json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'Application/JSON',
  'application/json;',
  'application/jsonx',
  '*/*',
  '',
];

/** Whole bodies that are not JSON, or JSON no schema here accepts. */
const RAW_BODIES = [
  '{',
  '}',
  '{"a":}',
  '{,}',
  '{"a":1,}',
  '{"a" 1}',
  "{'a':1}",
  '{a:1}',
  '/* comment */ {}',
  '{} // comment',
  '\ufeff{}',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  '[]',
  '[{}]',
  'null',
  'true',
  '0',
  '""',
  '"\\ud800"',
  'NaN',
  '1e309',
  '-1e309',
  'Infinity',
  '\u0000',
  '{"\u0000":1}',
  '{"a":"\\u0000"}',
  '{"a":"\\x41"}',
  '{"a":"\u0001"}',
  ' ',
  '\n\t',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
];

const MALFORMED_AUTH = ['Bearer', 'Bearer ', 'Bearer  ', 'Basic YWRtaW46c2VjcmV0', 'Token sk_abc', 'sk_abc', 'Bearer sk_', `Bearer sk_${'a'.repeat(10_000)}`, 'Bearer a b', 'Bearer null', 'BEARER', ','];

export interface RequestArbitraryOptions {
  schemas: SchemaArbitraries;
  /** Real resources whose values fit this operation's path parameters. */
  resources: ResourceTuple[];
}

export function requestArbitrary(op: Operation, category: Category, options: RequestArbitraryOptions): fc.Arbitrary<FuzzRequest> {
  const { schemas } = options;
  const byPlace = (place: Parameter['in']) => op.parameters.filter((p) => p.in === place);

  const parts = (mode: Mode) =>
    fc.record({
      path: pathArbitrary(byPlace('path'), mode),
      query: pairsArbitrary(byPlace('query'), mode),
      headers: pairsArbitrary(byPlace('header'), mode, false).map((pairs) => Object.fromEntries(pairs)),
      body: bodyArbitrary(mode),
    });

  function pathArbitrary(params: Parameter[], mode: Mode): fc.Arbitrary<Record<string, string>> {
    if (params.length === 0) return fc.constant({});
    const random = fc.record(Object.fromEntries(params.map((p) => [p.name, textArbitrary(p.schema, mode).filter(routable)])));
    const names = params.map((p) => p.name);
    const real = options.resources.filter((r) => names.every((n) => n in r)).map((r) => Object.fromEntries(names.map((n) => [n, r[n]!])));
    if (real.length === 0) return random;
    return fc.oneof({ arbitrary: fc.constantFrom(...real), weight: 3 }, { arbitrary: random, weight: 1 });
  }

  /** Name-value pairs; invalid requests add undeclared names (`extras`: query strings only, not headers). */
  function pairsArbitrary(params: Parameter[], mode: Mode, extras = true): fc.Arbitrary<[string, string][]> {
    const each = params.map((p) => {
      const present = textValuesArbitrary(p.schema, mode).map((values) => values.map((v): [string, string] => [p.name, v]));
      // Valid requests keep every required parameter; invalid ones may drop it.
      if (mode === 'valid' && p.required) return present;
      return fc.oneof(present, fc.constant([] as [string, string][]));
    });
    const undeclared: fc.Arbitrary<[string, string][]> =
      mode === 'invalid' && extras
        ? fc.array(fc.tuple(fc.oneof(fc.constantFrom('credit_count', 'organization_id', '__proto__', 'skip[]', 'limit[$gt]'), fc.string({ minLength: 1, maxLength: 8 })), fc.string({ maxLength: 8 })), { maxLength: 2 })
        : fc.constant([]);
    return fc.tuple(fc.tuple(...each), undeclared).map(([lists, extra]) => [...lists.flat(), ...extra]);
  }

  /** One value, or (invalid mode) several for the same name. */
  function textValuesArbitrary(schema: Schema, mode: Mode): fc.Arbitrary<string[]> {
    const one = textArbitrary(schema, mode);
    if (mode !== 'invalid') return one.map((v) => [v]);
    return fc.oneof({ arbitrary: one.map((v) => [v]), weight: 3 }, fc.array(one, { minLength: 2, maxLength: 3 }));
  }

  /** A parameter value as text: path, query and header values are strings on the wire. */
  function textArbitrary(schema: Schema, mode: Mode): fc.Arbitrary<string> {
    const source =
      mode === 'valid'
        ? schemas.valid(schema)
        : mode === 'boundary'
          ? fc.oneof({ arbitrary: schemas.edge(schema), weight: 3 }, fc.constantFrom(...TRICKY_STRINGS), fc.constantFrom('9223372036854775808', '1e309', '-0', '0x10', '1.0', ' 1', ''))
          : fc.oneof(schemas.invalid(schema), schemas.wrongType(schema));
    return source.map(asText);
  }

  function bodyArbitrary(mode: Mode): fc.Arbitrary<FuzzBody | null> {
    if (!op.body) return fc.constant(null);
    const schema = op.body;
    const json = (arb: fc.Arbitrary<unknown>) => arb.map((value): FuzzBody => ({ json: value, contentType: JSON_TYPE }));
    if (mode === 'valid') return json(schemas.valid(schema));
    if (mode === 'boundary') {
      // Edges everywhere at once, or one edge at one (possibly nested) field of a valid body.
      const leaves = schemas.leaves(schema);
      const oneLeaf =
        leaves.length > 0
          ? fc.tuple(schemas.valid(schema), fc.constantFrom(...leaves)).chain(([v, leaf]) => schemas.edge(leaf.schema).map((edge) => setAt(v, leaf.path, edge)))
          : schemas.edge(schema);
      return json(fc.oneof(schemas.edge(schema), { arbitrary: oneLeaf, weight: 2 }));
    }
    return fc.oneof(
      { arbitrary: json(schemas.invalid(schema)), weight: 6 },
      fc.constant(null),
      fc.constant<FuzzBody>({ text: '', contentType: JSON_TYPE }),
    );
  }

  /** Texts for the body: mangled valid bodies, tokens in fields, other media types. */
  function rawBodyArbitrary(): fc.Arbitrary<FuzzBody | null> {
    const schema = op.body;
    const validValue = schema ? schemas.valid(schema) : fc.jsonValue({ maxDepth: 2 });
    const validText = validValue.map((v) => toJsonText(v));
    const options: fc.MaybeWeightedArbitrary<FuzzBody | null>[] = [
      fc.constantFrom(...RAW_BODIES).map((text): FuzzBody => ({ text, contentType: JSON_TYPE })),
      validText.chain((text) => fc.nat({ max: Math.max(0, text.length - 1) }).map((cut): FuzzBody => ({ text: text.slice(0, cut), contentType: JSON_TYPE }))),
      fc.tuple(validText, fc.constantFrom(...OTHER_CONTENT_TYPES)).map(([text, contentType]): FuzzBody => ({ text, contentType: contentType === '' ? null : contentType })),
    ];
    const names = schema ? Object.keys(schemas.resolve(schema).properties ?? {}) : [];
    const token = fc.constantFrom(...RAW_NUMBER_TOKENS, ...RAW_VALUE_TOKENS).map((t) => new RawJson(t));
    if (schema) {
      // Any field, nested ones included, set to a raw token: numbers above all.
      const leaves = schemas.leaves(schema);
      const numeric = leaves.filter((l) => ['integer', 'number'].includes(schemas.resolve(l.schema).type));
      const leafToken = (pool: typeof leaves, tokens: fc.Arbitrary<RawJson>) =>
        fc.tuple(validValue, fc.constantFrom(...pool), tokens).map(([v, leaf, t]): FuzzBody => ({ json: setAt(v, leaf.path, t), contentType: JSON_TYPE }));
      if (numeric.length > 0) options.push({ arbitrary: leafToken(numeric, fc.constantFrom(...RAW_NUMBER_TOKENS).map((t) => new RawJson(t))), weight: 3 });
      if (leaves.length > 0) options.push(leafToken(leaves, token));
    }
    if (schema && names.length > 0) {
      const properties = schemas.resolve(schema).properties as Record<string, Schema>;
      // The same key twice: the bad value first (a parser keeping the last sees a valid body) or last.
      options.push(
        fc.constantFrom(...names).chain((k) =>
          fc.tuple(validValue, fc.oneof(token, schemas.invalid(properties[k]!)), fc.boolean()).map(([v, bad, badLast]): FuzzBody => {
            const entries = Object.entries(v as object).filter(([name]) => name !== k);
            const good = (v as Record<string, unknown>)[k] ?? bad;
            const pair: [string, unknown][] = badLast ? [[k, good], [k, bad]] : [[k, bad], [k, good]];
            return { json: new RawObject([...entries, ...pair]), contentType: JSON_TYPE };
          }),
        ),
      );
    }
    return fc.oneof(...options);
  }

  function authArbitrary(): fc.Arbitrary<Pick<FuzzRequest, 'auth' | 'authHeader'>> {
    return fc.oneof(
      fc.constantFrom<Pick<FuzzRequest, 'auth'>>({ auth: 'read' }, { auth: 'revoked' }, { auth: 'none' }),
      fc.stringMatching(/^sk_[A-Za-z0-9_-]{43}$/).map((k) => ({ auth: 'wrong' as const, authHeader: `Bearer ${k}` })),
      fc.constantFrom(...MALFORMED_AUTH).map((h) => ({ auth: 'malformed' as const, authHeader: h })),
    );
  }

  switch (category) {
    case 'valid':
      return parts('valid').map((p) => ({ auth: 'admin', ...p }));
    case 'boundary':
      return parts('boundary').map((p) => ({ auth: 'admin', ...p }));
    case 'invalid':
      return parts('invalid').map((p) => ({ auth: 'admin', ...p }));
    case 'raw':
      return fc.tuple(parts('valid'), rawBodyArbitrary()).map(([p, body]) => ({ auth: 'admin', ...p, body }));
    case 'auth':
      return fc.tuple(fc.oneof(parts('valid'), parts('invalid')), authArbitrary()).map(([p, a]) => ({ ...a, ...p }));
  }
}

/** A copy of `value` with `replacement` at `path`, creating the objects and arrays on the way. */
export function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const list = Array.isArray(value) ? [...value] : [];
    list[head] = setAt(list[head], rest, replacement);
    return list;
  }
  const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as object) } : {};
  (object as Record<string, unknown>)[head!] = setAt((object as Record<string, unknown>)[head!], rest, replacement);
  return object;
}

/** What a value looks like as a query, path or header string. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof RawJson) return value.text;
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return toJsonText(value);
}

/**
 * Values a client can put in a path segment at all: URL parsers resolve `.` and `..` as dot
 * segments even when percent-encoded, and an empty segment is another route.
 */
function routable(value: string): boolean {
  return value !== '' && value !== '.' && value !== '..';
}

/** Percent-encodes a path parameter (encodeURIComponent keeps `.`, which is harmless inside a segment). */
export function encodePathParameter(value: string): string {
  return encodeURIComponent(value);
}

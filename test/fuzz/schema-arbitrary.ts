// fast-check arbitraries from the JSON Schemas of openapi.json (`$ref` resolved into
// components.schemas). Three families per schema:
//   valid   — values the schema accepts;
//   edge    — values at and just past its edges (bounds, lengths, formats, unicode, huge numbers,
//             deep and wide free-form objects), some valid and some not;
//   invalid — values it rejects (wrong types, missing required fields, extra fields, out of range).
// Leaves may be `RawJson` (text no JS value serializes to), so bodies go through `toJsonText`.
import fc from 'fast-check';
import { resolveRef, type Schema } from './openapi-document.ts';
import { deeplyNested, RAW_NUMBER_TOKENS, RAW_VALUE_TOKENS, RawJson, RawObject, wideObject } from './raw-json.ts';

type Arb = fc.Arbitrary<unknown>;

/** Strings a human would not type: astral, right-to-left, NUL, combining, BOM, injections. */
export const TRICKY_STRINGS = [
  '𝌆',
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  'שלום',
  '\u0000',
  'a\u0000b',
  'e\u0301\u0301\u0301',
  '\ufeff',
  '\u200b',
  ' ',
  '\t\r\n',
  '%00',
  '%',
  '%2F',
  '/',
  '\\',
  '?#',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '${jndi:x}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  '0',
  '-1',
  'NaN',
  'true',
];

const BOUNDARY_NUMBERS = [0, -0, 1, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, Number.MAX_VALUE, 5e-324, 1.5, 0.1];

const EDGE_EMAILS = [
  'a@b',
  'a@b.co',
  'UPPER.Case@Example.COM',
  'a+tag@example.com',
  '"quoted local"@example.com',
  'ü@exämple.de',
  '用户@例子.广告',
  'a@b..com',
  '.a@b.com',
  'a@-b.com',
  'a @b.com',
  '@b.com',
  'a@',
  'a\u0000@b.com',
  `${'l'.repeat(64)}@example.com`,
  `${'l'.repeat(65)}@example.com`,
  `a@${'d'.repeat(63)}.com`,
  `${'a'.repeat(64)}@${`${'d'.repeat(60)}.`.repeat(3)}com`,
  `${'a'.repeat(240)}@example.com`,
];

const EDGE_DATE_TIMES = [
  '1970-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '2024-02-29T12:00:00+14:00',
  '2023-02-29T12:00:00Z',
  '2024-01-01T24:00:00Z',
  '2016-12-31T23:59:60Z',
  '2024-01-01T00:00:00',
  '2024-01-01',
  '2024-01-01T00:00:00.123456789123Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '2024-13-01T00:00:00Z',
  'now',
  '',
];

const MAX_GENERATED_LENGTH = 40;

/** Where a scalar (or free-form object) sits inside a body, and its schema: `['rate_limits', 'metadata']`. */
export interface Leaf {
  path: (string | number)[];
  schema: Schema;
}

export interface SchemaArbitrariesOptions {
  /**
   * Strings that name real resources (emails, key names): drawn now and then for any string, so
   * creations collide with what exists.
   */
  knownStrings?: readonly string[];
  /** The server's body limit: one free-form value goes just past it. */
  bodyLimit?: number;
}

export interface SchemaArbitraries {
  valid(schema: Schema): Arb;
  edge(schema: Schema): Arb;
  invalid(schema: Schema): Arb;
  /** A value of some JSON type the schema does not allow (or a raw token). */
  wrongType(schema: Schema): Arb;
  /** The schema behind a `$ref`. */
  resolve(schema: Schema): Schema;
  /** Every scalar or free-form position in the schema (through properties, anyOf branches, array items). */
  leaves(schema: Schema): Leaf[];
}

export function schemaArbitraries(components: Record<string, Schema>, options: SchemaArbitrariesOptions = {}): SchemaArbitraries {
  const resolve = (s: Schema) => resolveRef(s, components);
  const known = options.knownStrings ?? [];
  // Built once, lazily: a body just over the server's limit (413), kept as text so a failure
  // report does not print it.
  let oversized: RawObject | undefined;
  const oversizedBody = () => (oversized ??= new RawObject([['big', new RawJson(JSON.stringify('x'.repeat((options.bodyLimit ?? 10 * 1024 * 1024) + 1)))]]));

  function valid(input: Schema, depth = 0): Arb {
    const schema = resolve(input);
    if (depth > 8) return fc.constant(null);
    if (schema.anyOf) return fc.oneof(...(schema.anyOf as Schema[]).map((s) => valid(s, depth + 1)));
    if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
    if ('const' in schema) return fc.constant(schema.const);
    switch (schema.type) {
      case 'string':
        return validString(schema);
      case 'integer':
        return validInteger(schema);
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true, ...(schema.minimum !== undefined ? { min: schema.minimum } : {}), ...(schema.maximum !== undefined ? { max: schema.maximum } : {}) });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(valid(schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, Math.max(4, schema.minItems ?? 0)) });
      case 'object':
        return validObject(schema, depth);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  function validString(schema: Schema): Arb {
    const min = schema.minLength ?? 0;
    const max = Math.min(schema.maxLength ?? MAX_GENERATED_LENGTH, Math.max(min, MAX_GENERATED_LENGTH));
    if (schema.format === 'email') {
      const simple = fc
        .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}$/), fc.stringMatching(/^[a-z0-9]{1,12}\.[a-z]{2,6}$/))
        .map(([local, domain]) => `${local}@${domain}`);
      const emails = known.filter((k) => k.includes('@'));
      const generated = fc.oneof(simple, fc.emailAddress()).filter((e) => e.length >= min && e.length <= (schema.maxLength ?? Infinity));
      return emails.length > 0 ? fc.oneof({ arbitrary: generated, weight: 4 }, fc.constantFrom(...emails)) : generated;
    }
    if (schema.format === 'date-time') {
      return fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    }
    if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
    // Units of exactly one code point, so lengths count as the schema (and Ajv) count them.
    const unit = fc.constantFrom('grapheme-ascii', 'grapheme-composite', 'binary') as fc.Arbitrary<'grapheme-ascii' | 'grapheme-composite' | 'binary'>;
    const random = unit.chain((u) => fc.string({ unit: u, minLength: min, maxLength: max }));
    const fitting = known.filter((k) => [...k].length >= min && [...k].length <= (schema.maxLength ?? Infinity));
    return fitting.length > 0 ? fc.oneof({ arbitrary: random, weight: 4 }, fc.constantFrom(...fitting)) : random;
  }

  function validInteger(schema: Schema): Arb {
    const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -(2 ** 31));
    const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 2 ** 31 - 1);
    const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
    const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
    // Small values are the common case; the whole range still gets drawn.
    return fc.oneof(fc.integer({ min: lo, max: Math.min(hi, lo + 100) }), fc.integer({ min: lo, max: hi }), fc.constantFrom(lo, hi));
  }

  function validObject(schema: Schema, depth: number): Arb {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const names = Object.keys(properties);
    const extra = schema.additionalProperties;
    if (names.length === 0) {
      if (extra && typeof extra === 'object') return fc.dictionary(fc.string({ maxLength: 10 }), valid(extra, depth + 1), { maxKeys: 5 });
      if (extra === false) return fc.constant({});
      return freeForm();
    }
    return fc.record(Object.fromEntries(names.map((n) => [n, valid(properties[n]!, depth + 1)])), { requiredKeys: (schema.required ?? []) as string[] });
  }

  /** What an `additionalProperties: true` object without properties holds: any JSON object. */
  function freeForm(): Arb {
    const key = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
    return fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
  }

  function edge(input: Schema, depth = 0): Arb {
    const schema = resolve(input);
    if (depth > 8) return fc.constant(null);
    if (schema.anyOf) return fc.oneof(...(schema.anyOf as Schema[]).map((s) => edge(s, depth + 1)));
    if (schema.enum) {
      const values = schema.enum as unknown[];
      const variants = values.flatMap((v) => (typeof v === 'string' ? [v.toUpperCase(), ` ${v}`, `${v}\u0000`] : []));
      return fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 2 }, fc.constantFrom(...variants, '', '*'));
    }
    switch (schema.type) {
      case 'string':
        return edgeString(schema);
      case 'integer':
      case 'number':
        return edgeNumber(schema);
      case 'boolean':
        return fc.constantFrom<unknown>(true, false, 0, 1, 'true', 'false', null, new RawJson('TRUE'));
      case 'array':
        return edgeArray(schema, depth);
      case 'object':
        return edgeObject(schema, depth);
      default:
        return fc.oneof(fc.jsonValue(), freeFormEdge());
    }
  }

  function edgeString(schema: Schema): Arb {
    const min = schema.minLength ?? 0;
    const max = schema.maxLength;
    const generic: Arb[] = [
      fc.constant(''),
      fc.constant('a'.repeat(min)),
      fc.constant('a'.repeat(Math.max(0, min - 1))),
      fc.constantFrom(...TRICKY_STRINGS),
      // Long enough for every bound we declare, and far past them.
      fc.constantFrom(1_025, 10_000, 100_000).map((n) => 'x'.repeat(n)),
      // Code points and UTF-16 units differ: an astral string at exactly the limit.
      fc.constant('𝌆'.repeat(max ?? 300)),
      validString(schema),
    ];
    // The edges of this schema's own constraints come up more often than the generic ones.
    const own: fc.WeightedArbitrary<unknown>[] = [];
    if (max !== undefined) own.push({ arbitrary: fc.constantFrom('b'.repeat(max), 'b'.repeat(max + 1), `${'é'.repeat(max - 1)}\u0301`), weight: 2 });
    if (schema.format === 'email') own.push({ arbitrary: fc.constantFrom(...EDGE_EMAILS), weight: 4 });
    if (schema.format === 'date-time') own.push({ arbitrary: fc.constantFrom(...EDGE_DATE_TIMES), weight: 6 });
    if (schema.pattern) own.push({ arbitrary: fc.constantFrom('0000-01', '9999-12', '2024-13', '2024-00', '2024-1', '١٢٣٤-01', '2024-01\n', ' 2024-01'), weight: 6 });
    return fc.oneof(...generic, ...own);
  }

  function edgeNumber(schema: Schema): Arb {
    const bounds: number[] = [];
    for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) {
      const v = schema[key];
      if (typeof v === 'number') bounds.push(v - 1, v, v + 1);
    }
    return fc.oneof(
      { arbitrary: fc.constantFrom(...BOUNDARY_NUMBERS, ...bounds), weight: 4 },
      { arbitrary: fc.constantFrom(...RAW_NUMBER_TOKENS).map((t) => new RawJson(t)), weight: 2 },
      fc.double(),
      fc.integer(),
    );
  }

  function edgeArray(schema: Schema, depth: number): Arb {
    const item = schema.items ?? {};
    return fc.oneof(
      fc.constant([]),
      fc.array(edge(item, depth + 1), { maxLength: 4 }),
      valid(item, depth + 1).map((v) => Array.from({ length: 1_000 }, () => v)),
      fc.constant(deeplyNested(64, 'array')),
    );
  }

  function edgeObject(schema: Schema, depth: number): Arb {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const names = Object.keys(properties);
    if (names.length === 0) {
      const extra = schema.additionalProperties;
      if (extra && typeof extra === 'object') return fc.dictionary(fc.constantFrom(...TRICKY_STRINGS), edge(extra, depth + 1), { maxKeys: 4 });
      return freeFormEdge();
    }
    // Every field drawn from valid or edge values: one bad field at a time and several at once.
    return fc.record(Object.fromEntries(names.map((n) => [n, fc.oneof(valid(properties[n]!, depth + 1), edge(properties[n]!, depth + 1))])), {
      requiredKeys: (schema.required ?? []) as string[],
    });
  }

  /** Free-form JSON at its extremes: deep, wide, odd keys, large values. */
  function freeFormEdge(): Arb {
    return fc.oneof(
      fc.constantFrom(16, 100, 1_000, 5_000, 20_000).chain((depth) => fc.constantFrom(deeplyNested(depth, 'object'), deeplyNested(depth, 'array')).map((v) => new RawObject([['nested', v]]))),
      fc.constantFrom(100, 10_000, 50_000).map((n) => wideObject(n)),
      fc.constantFrom(...TRICKY_STRINGS, '', 'x'.repeat(10_000)).map((k) => new RawObject([[k, 1]])),
      fc.constant(new RawObject([['__proto__', { polluted: true }]])),
      fc.constant(new RawObject([['constructor', { prototype: { polluted: true } }]])),
      fc.constantFrom(...RAW_NUMBER_TOKENS).map((t) => new RawObject([['n', new RawJson(t)]])),
      fc.constant(new RawObject([['big', new RawJson(JSON.stringify('x'.repeat(500_000)))]])),
      fc.constant(null).map(() => oversizedBody()),
      fc.constant({ list: Array.from({ length: 10_000 }, (_, i) => i) }),
      freeForm(),
    );
  }

  function wrongType(input: Schema): Arb {
    const schema = resolve(input);
    const types = new Set<string>();
    const collect = (s: Schema) => {
      const r = resolve(s);
      if (r.anyOf) for (const b of r.anyOf as Schema[]) collect(b);
      else if (r.enum) types.add('string');
      else if (typeof r.type === 'string') types.add(r.type);
    };
    collect(schema);
    if (types.has('integer')) types.add('number');
    const candidates: [string, unknown][] = [
      ['null', null],
      ['boolean', true],
      ['boolean', false],
      ['integer', 0],
      ['integer', 7],
      ['number', 1.5],
      ['number', -0.5],
      ['string', ''],
      ['string', '12'],
      ['string', 'text'],
      ['array', []],
      ['array', ['a', 1]],
      ['object', {}],
      ['object', { a: 1 }],
    ];
    const others = candidates.filter(([type, value]) => !types.has(type) && !(type === 'integer' && types.has('number') && Number.isInteger(value)));
    return fc.oneof(
      { arbitrary: fc.constantFrom(...(others.length > 0 ? others : candidates).map(([, v]) => v)), weight: 4 },
      fc.constantFrom(...RAW_VALUE_TOKENS, ...RAW_NUMBER_TOKENS).map((t) => new RawJson(t)),
    );
  }

  function invalid(input: Schema, depth = 0): Arb {
    const schema = resolve(input);
    const options: Arb[] = [wrongType(schema)];
    if (depth > 6) return options[0]!;
    if (schema.anyOf) {
      const branches = (schema.anyOf as Schema[]).filter((b) => resolve(b).type !== 'null');
      if (branches.length > 0) options.push(fc.oneof(...branches.map((b) => invalid(b, depth + 1))));
    } else if (schema.enum) {
      options.push(fc.constantFrom('not_a_member', ...(schema.enum as unknown[]).map((v) => String(v).toUpperCase())));
    } else if (schema.type === 'string') {
      const bad: string[] = [];
      if (schema.minLength) bad.push('a'.repeat(schema.minLength - 1));
      if (schema.maxLength !== undefined) bad.push('z'.repeat(schema.maxLength + 1));
      if (schema.format === 'email') bad.push('not-an-email', 'a@', '@b.c', 'a b@c.d');
      if (schema.format === 'date-time') bad.push('yesterday', '2024-01-01', '2024-01-01T00:00:00', '2024-02-30T00:00:00Z');
      if (schema.pattern) bad.push('2024-13', '24-01', 'January');
      if (bad.length > 0) options.push(fc.constantFrom(...bad));
    } else if (schema.type === 'integer' || schema.type === 'number') {
      const bad: unknown[] = [];
      if (typeof schema.minimum === 'number') bad.push(schema.minimum - 1, schema.minimum - 0.5);
      if (typeof schema.exclusiveMinimum === 'number') bad.push(schema.exclusiveMinimum, schema.exclusiveMinimum - 1);
      if (typeof schema.maximum === 'number') bad.push(schema.maximum + 1);
      if (typeof schema.exclusiveMaximum === 'number') bad.push(schema.exclusiveMaximum);
      if (schema.type === 'integer') bad.push(1.5, 2 ** 53 + 0.5, new RawJson('1.0000000000000001'));
      options.push(fc.constantFrom(...bad, new RawJson('1e309'), new RawJson('-1e309'), new RawJson('NaN')));
    } else if (schema.type === 'array') {
      const item = schema.items ?? {};
      options.push(fc.array(invalid(item, depth + 1), { minLength: 1, maxLength: 3 }));
      if (schema.minItems) options.push(fc.constant([]));
      if (schema.maxItems !== undefined) options.push(valid(item).map((v) => Array.from({ length: schema.maxItems + 1 }, () => v)));
    } else if (schema.type === 'object') {
      options.push(...invalidObject(schema, depth));
    }
    return fc.oneof(...options);
  }

  function invalidObject(schema: Schema, depth: number): Arb[] {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const names = Object.keys(properties);
    const required = (schema.required ?? []) as string[];
    const validFields = (omit?: string) =>
      fc.record(Object.fromEntries(names.filter((n) => n !== omit).map((n) => [n, valid(properties[n]!, depth + 1)])), { requiredKeys: required.filter((r) => r !== omit) });
    const out: Arb[] = [];
    if (required.length > 0) out.push(fc.constantFrom(...required).chain((missing) => validFields(missing)));
    if (names.length > 0) {
      out.push(
        fc.constantFrom(...names).chain((bad) =>
          fc.tuple(validFields(bad), invalid(properties[bad]!, depth + 1)).map(([rest, value]) => ({ ...(rest as object), [bad]: value })),
        ),
      );
    }
    if (schema.additionalProperties === false) {
      // Fields of other schemas (a client guessing) and names no schema has.
      const key = fc.oneof(fc.constantFrom('credit_count', 'organization_id', 'account_type', 'key_hash', 'is_admin', '__proto__', 'constructor', ''), fc.string({ minLength: 1, maxLength: 12 }));
      out.push(
        fc.tuple(validFields(), key, fc.jsonValue({ maxDepth: 2 })).map(([rest, k, v]) => new RawObject([...Object.entries(rest as object), [k, v]])),
      );
    }
    return out;
  }

  function leaves(input: Schema, path: (string | number)[] = [], depth = 0): Leaf[] {
    const schema = resolve(input);
    if (depth > 8) return [];
    if (schema.anyOf) return (schema.anyOf as Schema[]).flatMap((b) => leaves(b, path, depth + 1));
    const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
    // A free-form object (no properties) is a leaf itself: its edges are depth and width.
    if (schema.type === 'object' && properties.length > 0) return properties.flatMap(([name, sub]) => leaves(sub, [...path, name], depth + 1));
    if (schema.type === 'array') return leaves(schema.items ?? {}, [...path, 0], depth + 1);
    if (schema.type === 'null') return [];
    return [{ path, schema }];
  }

  return {
    leaves: (s) => leaves(s),
    valid: (s) => valid(s),
    edge: (s) => edge(s),
    invalid: (s) => invalid(s),
    wrongType,
    resolve,
  };
}

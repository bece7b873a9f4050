// Request validation: one Ajv per request part, because JSON bodies must arrive as sent while
// query strings, path params and headers are text that has to be coerced to the schema's types.
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { createAjv, MAX_BYTES_KEYWORD, MAX_DEPTH_KEYWORD } from '../lib/ajv.ts';
import { firstNulPath } from '../lib/json-bounds.ts';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { dropUnknownFields, recordIgnoredFields, type SchemaLookup } from './unknown-fields.ts';

export interface ValidationItem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

// strict: false lets schemas carry OpenAPI-only keywords (title, examples); strictNumbers must then
// be asked for, or NaN and Infinity (JSON.parse turns 1e309 into Infinity) pass as numbers.
const BASE: Options = { allErrors: true, strict: false, strictNumbers: true, removeAdditional: false };

function makeAjv(options: Options, shared: readonly TSchema[]): Ajv {
  const ajv = createAjv({ ...BASE, ...options });
  for (const schema of shared) ajv.addSchema(schema);
  return ajv;
}

export interface ValidatorOptions {
  /** TESSERA_STRICT_REQUESTS: an unknown body field is a 422 instead of being ignored. */
  strictRequests?: boolean;
}

/**
 * One compiler per set of shared schemas and mode for the whole process: route schemas are module
 * constants, and Ajv caches what it compiled by schema object, so every app built after the first
 * (tests build hundreds; a server builds one) reuses the validators instead of compiling each route again.
 */
const compilers = new WeakMap<readonly TSchema[], Map<boolean, FastifySchemaCompiler<TSchema>>>();

export function createValidatorCompiler(shared: readonly TSchema[], options: ValidatorOptions = {}): FastifySchemaCompiler<TSchema> {
  const strict = options.strictRequests === true;
  let byMode = compilers.get(shared);
  if (!byMode) compilers.set(shared, (byMode = new Map()));
  const known = byMode.get(strict);
  if (known) return known;
  const named = new Map(shared.flatMap((s) => (typeof s.$id === 'string' ? [[s.$id, s as Record<string, unknown>] as const] : [])));
  const lookup: SchemaLookup = (ref) => named.get(ref);
  // Bodies: no coercion (a string is not a number) and no injected defaults (handlers apply them,
  // so PATCH can tell "absent" from "default").
  const bodyAjv = makeAjv({ coerceTypes: false, useDefaults: false }, shared);
  const textAjv = makeAjv({ coerceTypes: 'array', useDefaults: true }, shared);
  const validators = new WeakMap<object, Map<string, ReturnType<FastifySchemaCompiler<TSchema>>>>();
  const compiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
    const part = httpPart === 'body' ? 'body' : 'text';
    let byPart = validators.get(schema);
    if (!byPart) validators.set(schema, (byPart = new Map()));
    let validate = byPart.get(part);
    if (!validate) {
      const compiled = part === 'body' ? bodyAjv.compile(schema) : refusingNonFiniteCoercions(textAjv.compile(schema));
      validate = refusingNul(part === 'body' && !strict ? ignoringUnknownFields(compiled, lookup) : compiled) as ReturnType<FastifySchemaCompiler<TSchema>>;
      byPart.set(part, validate);
    }
    return validate;
  };
  byMode.set(strict, compiler);
  return compiler;
}

/**
 * Unknown body fields are ignored (see unknown-fields.ts). A valid body costs nothing more: the
 * schema is walked only when Ajv refused the body for a field the schema does not declare; those
 * fields are removed and the body validated again, so a wrong type of a known field stays a 422.
 */
function ignoringUnknownFields(validate: ValidateFunction, lookup: SchemaLookup): ValidateFunction {
  const wrapped = function (this: unknown, data: unknown, context?: unknown) {
    let valid = validate.call(this, data, context as never) as boolean;
    wrapped.errors = validate.errors;
    if (valid || !validate.errors?.some((e) => e.keyword === 'additionalProperties')) return valid;
    const dropped = dropUnknownFields(validate.schema as Record<string, unknown>, data, lookup);
    if (dropped.length === 0) return false;
    recordIgnoredFields(data as object, dropped);
    valid = validate.call(this, data, context as never) as boolean;
    wrapped.errors = validate.errors;
    return valid;
  } as ValidateFunction;
  return Object.assign(wrapped, { schema: validate.schema, schemaEnv: validate.schemaEnv });
}

/**
 * No request string may hold U+0000 (a body string, an object key, a path or query parameter):
 * PostgreSQL cannot store it (a 500 there, silently kept on SQLite), and no field of this API needs it.
 */
function refusingNul(validate: ValidateFunction): ValidateFunction {
  const wrapped = function (this: unknown, data: unknown, context?: unknown) {
    const path = firstNulPath(data);
    if (path !== null) {
      wrapped.errors = [{ instancePath: path, schemaPath: '', keyword: NUL_KEYWORD, params: {}, message: 'must not contain the NUL character' }];
      return false;
    }
    const valid = validate.call(this, data, context as never) as boolean;
    wrapped.errors = validate.errors;
    return valid;
  } as ValidateFunction;
  return Object.assign(wrapped, { schema: validate.schema, schemaEnv: validate.schemaEnv });
}

const NUL_KEYWORD = 'x-no-nul';

/**
 * Ajv coerces the text "1e309" to Infinity and then skips the number keywords (they only look at
 * finite numbers), so `?limit=1e309` would pass even with strictNumbers. Query strings, params and
 * headers are flat, so one look at the coerced values after a pass catches it.
 */
function refusingNonFiniteCoercions(validate: ValidateFunction): ValidateFunction {
  const wrapped = function (this: unknown, data: unknown, context?: unknown) {
    const valid = validate.call(this, data, context as never) as boolean;
    wrapped.errors = validate.errors;
    if (!valid || data === null || typeof data !== 'object') return valid;
    const errors: ErrorObject[] = [];
    for (const [name, value] of Object.entries(data)) {
      const values: unknown[] = Array.isArray(value) ? value : [value];
      const index = values.findIndex((v) => typeof v === 'number' && !Number.isFinite(v));
      if (index < 0) continue;
      const path = `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}${Array.isArray(value) ? `/${index}` : ''}`;
      const declared = (validate.schema as { properties?: Record<string, { type?: unknown }> }).properties?.[name]?.type;
      const type = declared === 'integer' ? 'integer' : 'number';
      errors.push({ instancePath: path, schemaPath: '', keyword: 'type', params: { type }, message: `must be a finite ${type}` });
    }
    if (errors.length === 0) return true;
    wrapped.errors = errors;
    return false;
  } as ValidateFunction;
  // Fastify passes the parent object only to validators that carry schemaEnv (so defaults can be
  // written to the root); keep that.
  return Object.assign(wrapped, { schema: validate.schema, schemaEnv: validate.schemaEnv });
}

const PART_LOC: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

/** Turns Ajv errors into FastAPI-style `{loc, msg, type}` items. */
export function toValidationItems(errors: readonly ErrorObject[], context: string | undefined, bodyMissing: boolean): ValidationItem[] {
  const part = PART_LOC[context ?? 'body'] ?? 'body';
  if (part === 'body' && bodyMissing) return [{ loc: ['body'], msg: 'Field required', type: 'missing' }];

  // For anyOf (nullable fields), keep the most specific branch errors: deeper paths if any,
  // otherwise one merged item for the field.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const items: ValidationItem[] = [];
  const merged = new Map<string, ValidationItem>();
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const path = error.instancePath;
    if (anyOfPaths.has(path)) {
      const hasDeeper = errors.some((e) => e.instancePath.startsWith(path + '/') && e.keyword !== 'anyOf');
      if (hasDeeper) continue;
      const existing = merged.get(path);
      const item = toItem(error, part);
      if (existing) {
        if (!existing.msg.includes(item.msg)) existing.msg = `${existing.msg} or ${item.msg.replace(/^Input should be /, '')}`;
        continue;
      }
      merged.set(path, item);
      items.push(item);
      continue;
    }
    items.push(toItem(error, part));
  }
  return dedupe(items);
}

function toItem(error: ErrorObject, part: string): ValidationItem {
  const loc: (string | number)[] = [part, ...pathSegments(error.instancePath)];
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { loc: [...loc, String(p.missingProperty)], msg: 'Field required', type: 'missing' };
    case 'additionalProperties':
      return { loc: [...loc, String(p.additionalProperty)], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' };
    case 'type':
      return typeItem(loc, String(p.type));
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map((v) => `'${String(v)}'`);
      const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0];
      return { loc, msg: `Input should be ${list}`, type: 'enum' };
    }
    case 'minLength':
      return { loc, msg: `String should have at least ${p.limit} characters`, type: 'string_too_short' };
    case 'maxLength':
      return { loc, msg: `String should have at most ${p.limit} characters`, type: 'string_too_long' };
    case 'minimum':
      return { loc, msg: `Input should be greater than or equal to ${p.limit}`, type: 'greater_than_equal' };
    case 'exclusiveMinimum':
      return { loc, msg: `Input should be greater than ${p.limit}`, type: 'greater_than' };
    case 'maximum':
      return { loc, msg: `Input should be less than or equal to ${p.limit}`, type: 'less_than_equal' };
    case 'exclusiveMaximum':
      return { loc, msg: `Input should be less than ${p.limit}`, type: 'less_than' };
    case 'minItems':
      return { loc, msg: `List should have at least ${p.limit} item${p.limit === 1 ? '' : 's'}`, type: 'too_short' };
    case 'maxItems':
      return { loc, msg: `List should have at most ${p.limit} items`, type: 'too_long' };
    case NUL_KEYWORD:
      return { loc, msg: 'String should not contain the NUL character (U+0000)', type: 'string_nul' };
    case 'pattern':
      return { loc, msg: `String should match pattern '${p.pattern}'`, type: 'string_pattern_mismatch' };
    case 'format':
      return p.format === 'date-time'
        ? { loc, msg: 'Input should be a valid datetime', type: 'datetime_parsing' }
        : { loc, msg: `Input should be a valid ${String(p.format)}`, type: 'value_error' };
    case MAX_DEPTH_KEYWORD:
      return { loc, msg: `Object should be nested at most ${p.limit} levels deep`, type: 'too_deep' };
    case MAX_BYTES_KEYWORD:
      return { loc, msg: `Object should take at most ${p.limit} bytes as JSON`, type: 'too_large' };
    default:
      return { loc, msg: error.message ?? 'Invalid value', type: error.keyword };
  }
}

const TYPE_NAMES: Record<string, [string, string]> = {
  integer: ['int_type', 'a valid integer'],
  number: ['float_type', 'a valid number'],
  string: ['string_type', 'a valid string'],
  boolean: ['bool_type', 'a valid boolean'],
  object: ['dict_type', 'a valid dictionary'],
  array: ['list_type', 'a valid list'],
  null: ['none_type', 'null'],
};

function typeItem(loc: (string | number)[], expected: string): ValidationItem {
  const [type, noun] = TYPE_NAMES[expected] ?? [`${expected}_type`, `of type ${expected}`];
  return { loc, msg: `Input should be ${noun}`, type };
}

function pathSegments(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function dedupe(items: ValidationItem[]): ValidationItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = JSON.stringify([i.loc, i.type]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

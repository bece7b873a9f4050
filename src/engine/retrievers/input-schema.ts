// Execute inputs checked against a retriever's input_schema (SPEC §15.2), types as Mixpeek's
// clients write them. Failures are one 422 ValidationError listing every bad input
// (location ['body', 'inputs', <name>]).
//
// Rules:
//   - A required input must be present unless it has a default; an absent (or null) input with a
//     default takes it; an absent optional input stays absent (templates on it render empty).
//   - Inputs the schema does not declare are kept as sent (a retriever created without an
//     input_schema still reads `{{INPUT.query}}`), within the same overall bounds.
//   - Numbers: integer/number/float accept JSON numbers and numeric strings ("5" → 5), finite and
//     within ±1e15. Booleans accept true/false only.
//   - Media (image video audio pdf url file): a string holding an http(s)/s3/data URL or base64.
//   - date: YYYY-MM-DD; datetime: an ISO 8601 timestamp. Both stay strings.
//   - document_reference: {collection_id, document_id}, both non-empty strings.
//   - Overall: at most 100 inputs, nested at most 32 levels, 16 MiB as JSON, strings at most
//     100,000 characters (media strings 16 MiB), lists at most 10,000 items.
import { ValidationError, type ValidationErrorItem } from '../errors.ts';
import { withinDepth, withinSerializedBytes } from '../../lib/json-bounds.ts';
import type { RetrieverInputField } from './types.ts';

export const INPUT_TYPES = [
  'text', 'string', 'integer', 'number', 'float', 'boolean',
  'image', 'video', 'audio', 'pdf', 'url', 'file',
  'object', 'json', 'array', 'date', 'datetime', 'document_reference',
] as const;

const MAX_INPUTS = 100;
const MAX_DEPTH = 32;
export const MAX_INPUTS_BYTES = 16 * 1024 * 1024;
const MAX_STRING = 100_000;
const MAX_MEDIA_STRING = MAX_INPUTS_BYTES;
const MAX_ARRAY = 10_000;
const MAX_ABS_NUMBER = 1e15;
const MEDIA = new Set(['image', 'video', 'audio', 'pdf', 'url', 'file']);
const URL_LIKE = /^(https?:\/\/|s3:\/\/|data:)/i;
const BASE64 = /^[A-Za-z0-9+/_\-\r\n]+={0,2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type Check = { ok: true; value: unknown } | { ok: false; type: string; message: string };

function fail(type: string, message: string): Check {
  return { ok: false, type, message };
}

function numeric(value: unknown, integer: boolean): Check {
  let n = value;
  if (typeof n === 'string' && n.trim() !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(n.trim())) n = Number(n);
  if (typeof n !== 'number' || !Number.isFinite(n)) return fail(integer ? 'int_type' : 'float_type', `Input should be a valid ${integer ? 'integer' : 'number'}`);
  if (integer && !Number.isInteger(n)) return fail('int_from_float', 'Input should be a valid integer, got a number with a fractional part');
  if (Math.abs(n) > MAX_ABS_NUMBER) return fail('number_too_large', `Input should be within ±${MAX_ABS_NUMBER}`);
  return { ok: true, value: n };
}

function stringOf(value: unknown, max: number): Check {
  if (typeof value !== 'string') return fail('string_type', 'Input should be a valid string');
  if (value.length > max) return fail('string_too_long', `String should have at most ${max} characters`);
  return { ok: true, value };
}

/** Checks one value against a declared type; unknown types accept any JSON value. */
export function checkInputValue(type: string, value: unknown): Check {
  const t = type.toLowerCase();
  if (t === 'text' || t === 'string') return stringOf(value, MAX_STRING);
  if (t === 'integer' || t === 'int') return numeric(value, true);
  if (t === 'number' || t === 'float') return numeric(value, false);
  if (t === 'boolean' || t === 'bool') return typeof value === 'boolean' ? { ok: true, value } : fail('bool_type', 'Input should be a valid boolean');
  if (MEDIA.has(t)) {
    const s = stringOf(value, MAX_MEDIA_STRING);
    if (!s.ok) return s;
    const v = value as string;
    if (URL_LIKE.test(v)) return URL.canParse(v) ? s : fail('url_parsing', 'Input should be a valid URL');
    if (t !== 'url' && v.length > 0 && BASE64.test(v)) return s;
    return fail(t === 'url' ? 'url_parsing' : 'media_type', t === 'url' ? 'Input should be a valid URL' : `Input should be a URL (http, https, s3, data) or base64 ${t} content`);
  }
  if (t === 'object') return isPlainObject(value) ? { ok: true, value } : fail('dict_type', 'Input should be a valid object');
  if (t === 'json') return { ok: true, value };
  if (t === 'array' || t === 'list') {
    if (!Array.isArray(value)) return fail('list_type', 'Input should be a valid list');
    if (value.length > MAX_ARRAY) return fail('too_long', `List should have at most ${MAX_ARRAY} items`);
    return { ok: true, value };
  }
  if (t === 'date') {
    if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value))) return fail('date_parsing', 'Input should be a valid date (YYYY-MM-DD)');
    return { ok: true, value };
  }
  if (t === 'datetime') {
    if (typeof value !== 'string' || !DATETIME.test(value) || Number.isNaN(Date.parse(value))) return fail('datetime_parsing', 'Input should be a valid ISO 8601 datetime');
    return { ok: true, value };
  }
  if (t === 'document_reference') {
    if (!isPlainObject(value)) return fail('dict_type', 'Input should be {collection_id, document_id}');
    for (const key of ['collection_id', 'document_id'] as const) {
      const v = value[key];
      if (typeof v !== 'string' || v.length === 0 || v.length > 200) return fail('document_reference', `Input should carry ${key} as a non-empty string`);
    }
    return { ok: true, value: { collection_id: value.collection_id, document_id: value.document_id } };
  }
  return { ok: true, value };
}

/** Strings and lists anywhere inside a value stay within bounds, and every number is finite. */
function boundedEverywhere(value: unknown, type: string): string | null {
  const stack: unknown[] = [value];
  const maxString = MEDIA.has(type.toLowerCase()) ? MAX_MEDIA_STRING : MAX_STRING;
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string' && node.length > maxString) return `a string is longer than ${maxString} characters`;
    if (typeof node === 'number' && !Number.isFinite(node)) return 'a number is not finite';
    if (Array.isArray(node)) {
      if (node.length > MAX_ARRAY) return `a list holds more than ${MAX_ARRAY} items`;
      stack.push(...node);
    } else if (isPlainObject(node)) stack.push(...Object.values(node));
  }
  return null;
}

/**
 * Validated inputs, defaults applied. Throws a ValidationError (422) listing every failure.
 * `inputs` null/absent is taken as {}.
 */
export function validateInputs(schema: Record<string, RetrieverInputField>, inputs: unknown): Record<string, unknown> {
  const items: ValidationErrorItem[] = [];
  const loc = (name: string) => ['body', 'inputs', name];
  if (inputs !== undefined && inputs !== null && !isPlainObject(inputs)) {
    throw new ValidationError('inputs must be an object', [{ type: 'dict_type', location: ['body', 'inputs'], message: 'Input should be a valid object' }]);
  }
  const given = (inputs ?? {}) as Record<string, unknown>;
  if (Object.keys(given).length > MAX_INPUTS) {
    throw new ValidationError(`At most ${MAX_INPUTS} inputs`, [{ type: 'too_long', location: ['body', 'inputs'], message: `Object should have at most ${MAX_INPUTS} entries` }]);
  }
  if (!withinDepth(given, MAX_DEPTH) || !withinSerializedBytes(given, MAX_INPUTS_BYTES)) {
    throw new ValidationError('inputs are too large', [{ type: 'too_large', location: ['body', 'inputs'], message: `Inputs should nest at most ${MAX_DEPTH} levels and take at most ${MAX_INPUTS_BYTES} bytes as JSON` }]);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    if (Object.hasOwn(schema, name)) continue;
    const problem = boundedEverywhere(value, 'json');
    if (problem) items.push({ type: 'value_error', location: loc(name), message: `Input is out of bounds: ${problem}` });
    else if (value !== undefined) out[name] = value;
  }
  for (const [name, field] of Object.entries(schema)) {
    const value = Object.hasOwn(given, name) ? given[name] : undefined;
    if (value === undefined || value === null) {
      if (field.default !== undefined && field.default !== null) out[name] = field.default;
      else if (field.required) items.push({ type: 'missing', location: loc(name), message: 'Field required' });
      continue;
    }
    const checked = checkInputValue(field.type, value);
    if (!checked.ok) {
      items.push({ type: checked.type, location: loc(name), message: checked.message });
      continue;
    }
    const problem = boundedEverywhere(checked.value, field.type);
    if (problem) items.push({ type: 'value_error', location: loc(name), message: `Input is out of bounds: ${problem}` });
    else out[name] = checked.value;
  }
  if (items.length > 0) {
    const first = items[0]!;
    throw new ValidationError(`Invalid inputs: ${first.location.slice(2).join('.')}: ${first.message}${items.length > 1 ? ` (and ${items.length - 1} more)` : ''}`, items);
  }
  return out;
}

import { Ajv, type Options, type SchemaValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { withinDepth, withinSerializedBytes } from './json-bounds.ts';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv, formats: string[]) => Ajv;

/**
 * Bounds of free-form JSON (metadata objects). Vendor keywords (`x-`), so the OpenAPI document
 * states them and other JSON Schema tools ignore them. Errors carry `params.limit`.
 */
export const MAX_DEPTH_KEYWORD = 'x-max-depth';
export const MAX_BYTES_KEYWORD = 'x-max-bytes';

/**
 * Date-times the store can hold and JavaScript can compute with: RFC 3339 (ajv-formats' check)
 * that Date.parse understands (it refuses the leap second `23:59:60` that RFC 3339 allows) and in
 * years 1970 to 8999 (year 0 is a 500 on PostgreSQL; a period ending after 9999 is not RFC 3339).
 */
export const EARLIEST_DATE_TIME = '1970-01-01T00:00:00Z';
export const LATEST_DATE_TIME = '8999-12-31T23:59:59.999Z';
const rfc3339 = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;
const [earliest, latest] = [Date.parse(EARLIEST_DATE_TIME), Date.parse(LATEST_DATE_TIME)];
function isBoundedDateTime(value: string): boolean {
  if (!rfc3339(value)) return false;
  const at = Date.parse(value);
  return Number.isFinite(at) && at >= earliest && at <= latest;
}

/** An Ajv with the string formats our schemas use (email, date-time, uri) and the JSON bounds keywords. */
export function createAjv(options: Options): Ajv {
  const ajv = addFormats(new Ajv(options), ['email', 'uri']);
  ajv.addFormat('date-time', { type: 'string', validate: isBoundedDateTime });
  ajv.addKeyword({ keyword: MAX_DEPTH_KEYWORD, schemaType: 'number', validate: boundKeyword(MAX_DEPTH_KEYWORD, withinDepth, 'nested too deeply') });
  ajv.addKeyword({ keyword: MAX_BYTES_KEYWORD, schemaType: 'number', validate: boundKeyword(MAX_BYTES_KEYWORD, withinSerializedBytes, 'too large as JSON') });
  return ajv;
}

function boundKeyword(keyword: string, within: (data: unknown, limit: number) => boolean, message: string) {
  return function validate(limit: number, data: unknown): boolean {
    if (within(data, limit)) return true;
    (validate as SchemaValidateFunction).errors = [{ keyword, params: { limit }, message: `must not be ${message} (limit ${limit})` }];
    return false;
  };
}

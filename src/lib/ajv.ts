import { Ajv, type Options, type SchemaValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { withinDepth, withinSerializedBytes } from './json-bounds.ts';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv, formats: string[]) => Ajv;

/**
 * Bounds of free-form JSON (metadata objects). Vendor keywords (`x-`), so the OpenAPI document
 * states them and other JSON Schema tools ignore them. Errors carry `params.limit`.
 */
export const MAX_DEPTH_KEYWORD = 'x-max-depth';
export const MAX_BYTES_KEYWORD = 'x-max-bytes';

/** An Ajv with the string formats our schemas use (email, date-time, uri) and the JSON bounds keywords. */
export function createAjv(options: Options): Ajv {
  const ajv = addFormats(new Ajv(options), ['email', 'date-time', 'uri']);
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

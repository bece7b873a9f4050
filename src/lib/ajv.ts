import { Ajv, type Options } from 'ajv';
import formatsPlugin from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv, formats: string[]) => Ajv;

/** An Ajv with the string formats our schemas use (email, date-time, uri). */
export function createAjv(options: Options): Ajv {
  return addFormats(new Ajv(options), ['email', 'date-time', 'uri']);
}

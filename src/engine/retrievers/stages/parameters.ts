// Reading a stage's parameters, the same code at creation and at run time: at creation
// (`templates: true`) a `{{…}}` string is accepted wherever a value may come from an input and kept
// as is; at run time the parameters are rendered and every value must have its real type. Every
// refusal is a BadRequestError naming the parameter by its path.
import { BadRequestError } from '../../errors.ts';
import { checkTemplates, isTemplate } from '../template.ts';

export interface ParameterReader {
  /** Path prefix for messages: `stages[0].config.parameters` at creation, `parameters` at run time. */
  at: string;
  /** Creation: templates are kept unresolved. */
  templates: boolean;
}

/** Accepted numbers stay within this, whatever a parameter's own bounds. */
const MAX_ABS = 1e12;
export const MAX_STRING_PARAMETER = 10_000;
export const MAX_LIST_PARAMETER = 1_000;

export function invalidParameter(at: string, message: string, details: Record<string, unknown> = {}): never {
  throw new BadRequestError(`${at}: ${message}`, { field: at, ...details }, 'invalid_stage_parameters');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The parameters object itself (null/absent → {}). */
export function parametersObject(value: unknown, at: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) invalidParameter(at, 'expected an object');
  return value;
}

/** A template kept at creation (checked to compile); undefined when the value is not one. */
function keptTemplate(value: unknown, r: ParameterReader, at: string): string | undefined {
  if (!r.templates || !isTemplate(value)) return undefined;
  checkTemplates(value, at);
  return value as string;
}

export function integerParameter(value: unknown, r: ParameterReader, at: string, bounds: { min: number; max: number; default: number }): number | string;
export function integerParameter(value: unknown, r: ParameterReader, at: string, bounds: { min: number; max: number; default?: undefined }): number | string | undefined;
export function integerParameter(value: unknown, r: ParameterReader, at: string, bounds: { min: number; max: number; default?: number }): number | string | undefined {
  if (value === undefined || value === null) return bounds.default;
  const t = keptTemplate(value, r, at);
  if (t !== undefined) return t;
  if (typeof value !== 'number' || !Number.isInteger(value)) invalidParameter(at, 'expected an integer');
  if (value < bounds.min || value > bounds.max) invalidParameter(at, `must be between ${bounds.min} and ${bounds.max}`, { minimum: bounds.min, maximum: bounds.max });
  return value;
}

export function numberParameter(value: unknown, r: ParameterReader, at: string, bounds: { min?: number; max?: number; default?: number }): number | string | undefined {
  if (value === undefined || value === null) return bounds.default;
  const t = keptTemplate(value, r, at);
  if (t !== undefined) return t;
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_ABS) invalidParameter(at, 'expected a finite number');
  const min = bounds.min ?? -MAX_ABS;
  const max = bounds.max ?? MAX_ABS;
  if (value < min || value > max) invalidParameter(at, `must be between ${min} and ${max}`, { minimum: min, maximum: max });
  return value;
}

export function booleanParameter(value: unknown, r: ParameterReader, at: string, fallback: boolean): boolean | string {
  if (value === undefined || value === null) return fallback;
  const t = keptTemplate(value, r, at);
  if (t !== undefined) return t;
  if (typeof value !== 'boolean') invalidParameter(at, 'expected true or false');
  return value;
}

export function enumParameter<T extends string>(value: unknown, r: ParameterReader, at: string, allowed: readonly T[], fallback: T): T | string {
  if (value === undefined || value === null) return fallback;
  const t = keptTemplate(value, r, at);
  if (t !== undefined) return t;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) invalidParameter(at, `expected one of ${allowed.join(', ')}`, { allowed: [...allowed] });
  return value;
}

export function stringParameter(value: unknown, r: ParameterReader, at: string, options: { required?: boolean; maxLength?: number } = {}): string | undefined {
  if (value === undefined || value === null) {
    if (options.required) invalidParameter(at, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') invalidParameter(at, 'expected a string');
  const max = options.maxLength ?? MAX_STRING_PARAMETER;
  if (value.length > max) invalidParameter(at, `has at most ${max} characters`, { limit: max });
  if (r.templates) checkTemplates(value, at);
  return value;
}

/** A list of strings (a single string is taken as a list of one); a template for the whole list is kept at creation. */
export function stringListParameter(value: unknown, r: ParameterReader, at: string, options: { maxItems?: number; required?: boolean } = {}): string[] | string | undefined {
  if (value === undefined || value === null) {
    if (options.required) invalidParameter(at, 'is required');
    return undefined;
  }
  const t = keptTemplate(value, r, at);
  if (t !== undefined) return t;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) invalidParameter(at, 'expected a list of strings');
  const max = options.maxItems ?? MAX_LIST_PARAMETER;
  if (list.length > max) invalidParameter(at, `has at most ${max} items`, { limit: max });
  if (options.required && list.length === 0) invalidParameter(at, 'must not be empty');
  return list.map((item, i) => stringParameter(item, r, `${at}[${i}]`, { required: true })!);
}

/** At run time a value must have been resolved: a template left here means the schema let one through. */
export function resolved<T>(value: T | string, at: string, kind: 'number' | 'boolean' | 'string' | 'list'): T {
  const ok = kind === 'list' ? Array.isArray(value) : typeof value === kind;
  if (!ok) invalidParameter(at, `expected a ${kind === 'list' ? 'list' : kind}, got ${JSON.stringify(value)?.slice(0, 60)}`);
  return value as T;
}

// Whether a JSON value fits a metadata field of a bucket schema. Used for object fields and for a
// schema's own `default` and `enum` values. Only as deep as the schema declares: values under an
// object without `properties` (or an array without `items`) are not walked, and the schema's depth
// is bounded, so the recursion is too.
import { isBlobFieldType, type SchemaField } from './field-types.ts';

export interface FieldIssue {
  /** Dotted path of the value ("address.city", "tags[2]"). */
  path: string;
  message: string;
}

/** Stop collecting after this many: one bad array of a million items must not build a million messages. */
export const MAX_ISSUES = 50;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?$/i;

function validDate(y: string, m: string, d: string): boolean {
  const [year, month, day] = [Number(y), Number(m), Number(d)];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An ISO 8601 calendar date, YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && validDate(m[1]!, m[2]!, m[3]!);
}

/** An ISO 8601 date-time: date, 'T' (or a space), hh:mm[:ss[.fraction]], optional Z or ±hh:mm. */
export function isIsoDateTime(value: string): boolean {
  const m = DATETIME.exec(value);
  if (m === null || !validDate(m[1]!, m[2]!, m[3]!)) return false;
  const [h, min, s, tzh, tzm] = [m[4], m[5], m[6] ?? '0', m[7] ?? '0', m[8] ?? '0'].map(Number) as [number, number, number, number, number];
  return h < 24 && min < 60 && s < 60 && tzh < 24 && tzm < 60;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeMismatch(field: SchemaField, value: unknown): string | null {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? null : 'must be a string';
    case 'number':
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'integer':
      return Number.isSafeInteger(value) ? null : 'must be an integer';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be a boolean';
    case 'date':
      return typeof value === 'string' && isIsoDate(value) ? null : 'must be an ISO 8601 date (YYYY-MM-DD)';
    case 'datetime':
      return typeof value === 'string' && isIsoDateTime(value) ? null : 'must be an ISO 8601 date-time (YYYY-MM-DDThh:mm:ssZ)';
    case 'object':
      return isPlainObject(value) ? null : 'must be an object';
    case 'array':
      return Array.isArray(value) ? null : 'must be an array';
    default:
      return `is a ${field.type} blob field: send it in "blobs", not as a field value`;
  }
}

/**
 * Appends an issue for every way `value` does not fit `field`. null fits any metadata field that is
 * not required (it stores "no value").
 */
export function checkFieldValue(field: SchemaField, value: unknown, path: string, issues: FieldIssue[]): void {
  if (issues.length >= MAX_ISSUES) return;
  if (value === null && !isBlobFieldType(field.type)) {
    if (field.required) issues.push({ path, message: 'is required and may not be null' });
    return;
  }
  const mismatch = typeMismatch(field, value);
  if (mismatch !== null) {
    issues.push({ path, message: mismatch });
    return;
  }
  if (field.enum !== undefined && !field.enum.some((allowed) => allowed === value)) {
    issues.push({ path, message: `must be one of ${JSON.stringify(field.enum).slice(0, 200)}` });
    return;
  }
  if (field.type === 'object' && field.properties !== undefined) {
    const object = value as Record<string, unknown>;
    for (const [name, member] of Object.entries(field.properties)) {
      const child = Object.hasOwn(object, name) ? object[name] : undefined;
      if (child === undefined) {
        if (member.required) issues.push({ path: `${path}.${name}`, message: 'is required' });
      } else {
        checkFieldValue(member, child, `${path}.${name}`, issues);
      }
    }
  }
  if (field.type === 'array' && field.items !== undefined) {
    const items = field.items;
    (value as unknown[]).forEach((item, i) => checkFieldValue(items, item, `${path}[${i}]`, issues));
  }
}

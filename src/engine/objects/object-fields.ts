// An object's user fields (SPEC §8): they live flat on the object (CreateObjectRequest allows any
// extra key; the docs also nest them under "metadata"). Fields the schema declares are checked
// against it; fields it does not declare are accepted and stored as sent (Mixpeek's
// additionalProperties: true), under the same naming rules, so a schema can be added to later.
import { BadRequestError } from '../errors.ts';
import { withinDepth } from '../../lib/json-bounds.ts';
import { fieldNameProblem } from '../buckets/bucket-schema.ts';
import { checkFieldValue, isPlainObject, MAX_ISSUES, type FieldIssue } from '../buckets/field-values.ts';
import { isBlobFieldType, type BucketSchema } from '../buckets/field-types.ts';
import { MAX_UNIQUE_KEY_VALUE_LENGTH, type UniqueKeyConfig } from '../buckets/unique-key.ts';

/** Keys of the object create/update bodies that are request options, not user fields. */
export const OBJECT_REQUEST_KEYS: ReadonlySet<string> = new Set(['key_prefix', 'blobs', 'skip_duplicates', 'canonicalize_source', 'force_remirror', 'metadata']);

/** Nesting allowed inside one undeclared field's value. */
export const MAX_UNDECLARED_VALUE_DEPTH = 32;

export type FieldCheckMode = 'create' | 'update';

function invalid(issues: FieldIssue[]): never {
  const first = issues[0]!;
  throw new BadRequestError(`Object fields do not match the bucket schema: ${first.path} ${first.message}`, { errors: issues });
}

/**
 * The user fields of a request body: every key that is not a request option, plus the members of
 * `metadata` (the docs' form). A key given both ways with different values is a 400.
 */
export function collectUserFields(body: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!OBJECT_REQUEST_KEYS.has(key) && value !== undefined) fields[key] = value;
  const metadata = body.metadata;
  if (metadata === undefined || metadata === null) return fields;
  if (!isPlainObject(metadata)) throw new BadRequestError('metadata must be an object of user fields', { field: 'metadata' });
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    if (Object.hasOwn(fields, key) && JSON.stringify(fields[key]) !== JSON.stringify(value)) {
      throw new BadRequestError(`Field "${key.slice(0, 255)}" is given both flat and in metadata, with different values`, { field: key });
    }
    fields[key] = value;
  }
  return fields;
}

/**
 * Checks user fields against the schema and returns them to store. 'create' also requires the
 * schema's required metadata fields and fills in declared defaults; 'update' (PATCH/PUT of some
 * fields) checks only what is given. Throws BadRequestError with details.errors [{path, message}].
 */
export function validateObjectFields(schema: BucketSchema, fields: Record<string, unknown>, mode: FieldCheckMode): Record<string, unknown> {
  const issues: FieldIssue[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (issues.length >= MAX_ISSUES) break;
    const problem = fieldNameProblem(name, true);
    if (problem !== null) {
      issues.push({ path: name.slice(0, 255), message: `cannot be set: the name ${problem}` });
      continue;
    }
    const field = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
    if (field === undefined) {
      if (!withinDepth(value, MAX_UNDECLARED_VALUE_DEPTH)) issues.push({ path: name, message: `nests deeper than ${MAX_UNDECLARED_VALUE_DEPTH} levels` });
    } else {
      checkFieldValue(field, value, name, issues);
    }
    out[name] = value;
  }
  if (mode === 'create') {
    for (const [name, field] of Object.entries(schema.properties)) {
      if (isBlobFieldType(field.type) || Object.hasOwn(out, name)) continue;
      if (field.default !== undefined) out[name] = structuredClone(field.default);
      else if (field.required) issues.push({ path: name, message: 'is required' });
    }
  }
  if (issues.length > 0) invalid(issues);
  return out;
}

/** Required blob fields of the schema that no blob of the object fills: a 400 naming them. */
export function assertRequiredBlobs(schema: BucketSchema, blobProperties: Iterable<string>): void {
  const given = new Set(blobProperties);
  const missing = Object.entries(schema.properties)
    .filter(([name, f]) => isBlobFieldType(f.type) && f.required && !given.has(name))
    .map(([name, f]) => ({ path: `blobs[property=${name}]`, message: `is required: add a ${f.type} blob with property "${name}"` }));
  if (missing.length > 0) invalid(missing);
}

/**
 * The object's unique-key value: a stable string of the key fields' values, in sorted field order
 * (so ["a","b"] and ["b","a"] agree). Each value must be present, non-null, and a non-empty string
 * of at most 255 characters when it is a string (SPEC §7).
 */
export function uniqueKeyValue(key: UniqueKeyConfig, fields: Record<string, unknown>): string {
  const issues: FieldIssue[] = [];
  const names = [...key.fields].sort();
  const pairs = names.map((name) => {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (value === undefined || value === null) issues.push({ path: name, message: 'is part of the unique key and is required' });
    else if (typeof value === 'string' && (value.length === 0 || value.length > MAX_UNIQUE_KEY_VALUE_LENGTH)) {
      issues.push({ path: name, message: `is part of the unique key and must be 1-${MAX_UNIQUE_KEY_VALUE_LENGTH} characters` });
    } else if (typeof value === 'object') issues.push({ path: name, message: 'is part of the unique key and must be a scalar' });
    return [name, value];
  });
  if (issues.length > 0) invalid(issues);
  return JSON.stringify(pairs);
}

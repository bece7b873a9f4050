// Normalises and validates a bucket_schema (SPEC §7): canonical lower-case types, aliases resolved,
// nulls dropped, bounded in size and depth, and field names that cannot collide with the object's
// own keys. The first problem found is a 400 naming the schema path.
import { BadRequestError } from '../errors.ts';
import { withinDepth, withinSerializedBytes } from '../../lib/json-bounds.ts';
import { checkFieldValue, isPlainObject, type FieldIssue } from './field-values.ts';
import { ACCEPTED_TYPE_NAMES, isBlobFieldType, isScalarFieldType, normaliseFieldType, type BucketSchema, type SchemaField } from './field-types.ts';

export const SCHEMA_LIMITS = {
  /** Fields at every level together. */
  maxFields: 256,
  /** Levels of nesting (a top-level field is level 1; its items/properties level 2 …). */
  maxDepth: 8,
  maxNameLength: 255,
  maxEnumValues: 1000,
  maxExamples: 50,
  maxDescriptionLength: 10_000,
  /** The schema as JSON. */
  maxSerializedBytes: 256 * 1024,
} as const;

/**
 * Top-level names an object already uses for itself (ObjectResponse and CreateObjectRequest keys,
 * the internal id and lineage keys). A user field of that name would be shadowed or would shadow.
 */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  'object_id', 'bucket_id', 'namespace_id', 'document_id', 'blobs', 'key_prefix', 'created_at', 'updated_at',
  'status', 'error', 'source_details', 'metadata', 'skip_duplicates', 'canonicalize_source', 'force_remirror',
  '_id', '_internal',
]);

const KNOWN_KEYS = new Set(['type', 'default', 'items', 'properties', 'examples', 'description', 'enum', 'required']);
const CONTROL = /[\u0000-\u001f\u007f]/;

function fail(path: string, message: string): never {
  throw new BadRequestError(`Invalid bucket_schema: ${path} ${message}`, { field: path, reason: message });
}

/** Why `name` cannot name a field, or null. Shared with objects' unknown flat fields. */
export function fieldNameProblem(name: string, topLevel: boolean): string | null {
  if (name.length === 0 || name.length > SCHEMA_LIMITS.maxNameLength) return `must be 1-${SCHEMA_LIMITS.maxNameLength} characters`;
  if (name.includes('.')) return 'may not contain "." (it separates path segments in filters)';
  if (name.startsWith('$')) return 'may not start with "$"';
  if (CONTROL.test(name)) return 'may not contain control characters';
  if (topLevel && RESERVED_FIELD_NAMES.has(name)) return 'is a reserved name';
  return null;
}

interface Walk {
  fields: number;
}

function normaliseField(raw: unknown, path: string, depth: number, walk: Walk): SchemaField {
  if (!isPlainObject(raw)) fail(path, 'must be an object with a "type"');
  if (++walk.fields > SCHEMA_LIMITS.maxFields) fail(path, `exceeds the limit of ${SCHEMA_LIMITS.maxFields} fields in one schema`);
  const type = normaliseFieldType(raw.type);
  if (type === null) fail(`${path}.type`, `must be one of ${ACCEPTED_TYPE_NAMES.join(', ')} (any case)`);
  if (isBlobFieldType(type) && depth > 1) fail(`${path}.type`, `may not be ${type} here: blob fields must be top-level properties`);
  const field: SchemaField = { type, required: false };

  if (raw.required !== undefined && raw.required !== null) {
    if (typeof raw.required !== 'boolean') fail(`${path}.required`, 'must be a boolean');
    field.required = raw.required;
  }
  if (raw.description !== undefined && raw.description !== null) {
    if (typeof raw.description !== 'string' || raw.description.length > SCHEMA_LIMITS.maxDescriptionLength) fail(`${path}.description`, `must be a string of at most ${SCHEMA_LIMITS.maxDescriptionLength} characters`);
    field.description = raw.description;
  }
  if (raw.examples !== undefined && raw.examples !== null) {
    if (!Array.isArray(raw.examples) || raw.examples.length > SCHEMA_LIMITS.maxExamples) fail(`${path}.examples`, `must be an array of at most ${SCHEMA_LIMITS.maxExamples} values`);
    field.examples = raw.examples;
  }
  if (raw.items !== undefined && raw.items !== null) {
    if (type !== 'array') fail(`${path}.items`, 'is allowed only on an array field');
    if (depth >= SCHEMA_LIMITS.maxDepth) fail(`${path}.items`, `nests deeper than ${SCHEMA_LIMITS.maxDepth} levels`);
    field.items = normaliseField(raw.items, `${path}.items`, depth + 1, walk);
  }
  if (raw.properties !== undefined && raw.properties !== null) {
    if (type !== 'object') fail(`${path}.properties`, 'is allowed only on an object field');
    if (depth >= SCHEMA_LIMITS.maxDepth) fail(`${path}.properties`, `nests deeper than ${SCHEMA_LIMITS.maxDepth} levels`);
    field.properties = normaliseProperties(raw.properties, `${path}.properties`, depth + 1, walk);
  }
  if (raw.enum !== undefined && raw.enum !== null) {
    if (!isScalarFieldType(type)) fail(`${path}.enum`, 'is allowed only on string, number, integer, float, boolean, date and datetime fields');
    if (!Array.isArray(raw.enum) || raw.enum.length === 0 || raw.enum.length > SCHEMA_LIMITS.maxEnumValues) fail(`${path}.enum`, `must be an array of 1-${SCHEMA_LIMITS.maxEnumValues} values`);
    const issues: FieldIssue[] = [];
    raw.enum.forEach((value, i) => checkFieldValue({ ...field, required: true }, value, `${path}.enum[${i}]`, issues));
    if (issues[0] !== undefined) fail(issues[0].path, issues[0].message);
    field.enum = raw.enum;
  }
  if (raw.default !== undefined && raw.default !== null) {
    if (isBlobFieldType(type)) fail(`${path}.default`, 'is not allowed on a blob field');
    const issues: FieldIssue[] = [];
    checkFieldValue(field, raw.default, `${path}.default`, issues);
    if (issues[0] !== undefined) fail(issues[0].path, issues[0].message);
    field.default = raw.default;
  }
  const extra = Object.fromEntries(Object.entries(raw).filter(([key]) => !KNOWN_KEYS.has(key)));
  if (Object.keys(extra).length > 0) field.extra = extra;
  return field;
}

function normaliseProperties(raw: unknown, path: string, depth: number, walk: Walk): Record<string, SchemaField> {
  if (!isPlainObject(raw)) fail(path, 'must be an object mapping field names to fields');
  const out: Record<string, SchemaField> = {};
  for (const [name, value] of Object.entries(raw)) {
    const problem = fieldNameProblem(name, depth === 1);
    if (problem !== null) fail(`${path}.${name}`, `has an invalid name: it ${problem}`);
    out[name] = normaliseField(value, `${path}.${name}`, depth, walk);
  }
  return out;
}

/** The stored form of a client's bucket_schema; throws BadRequestError naming the bad path. */
export function normaliseBucketSchema(raw: unknown): BucketSchema {
  if (!isPlainObject(raw)) fail('bucket_schema', 'must be an object with "properties"');
  if (!withinDepth(raw, 2 * SCHEMA_LIMITS.maxDepth + 8) || !withinSerializedBytes(raw, SCHEMA_LIMITS.maxSerializedBytes)) {
    fail('bucket_schema', `must be at most ${SCHEMA_LIMITS.maxSerializedBytes} bytes of JSON nested at most ${SCHEMA_LIMITS.maxDepth} fields deep`);
  }
  if (raw.properties === undefined || raw.properties === null) fail('bucket_schema.properties', 'is required');
  return { properties: normaliseProperties(raw.properties, 'bucket_schema.properties', 1, { fields: 0 }) };
}

/** The schema as Mixpeek's BucketSchema JSON (what a BucketResponse shows). */
export function bucketSchemaToJson(schema: BucketSchema): { properties: Record<string, unknown> } {
  const fieldJson = (f: SchemaField): Record<string, unknown> => ({
    ...f.extra,
    type: f.type,
    required: f.required,
    ...(f.description !== undefined && { description: f.description }),
    ...(f.default !== undefined && { default: f.default }),
    ...(f.enum !== undefined && { enum: f.enum }),
    ...(f.examples !== undefined && { examples: f.examples }),
    ...(f.items !== undefined && { items: fieldJson(f.items) }),
    ...(f.properties !== undefined && { properties: Object.fromEntries(Object.entries(f.properties).map(([k, v]) => [k, fieldJson(v)])) }),
  });
  return { properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, fieldJson(v)])) };
}

/** The blob fields of a schema (top-level only: blob types cannot nest). */
export function blobFieldsOf(schema: BucketSchema): [string, SchemaField][] {
  return Object.entries(schema.properties).filter(([, f]) => isBlobFieldType(f.type));
}

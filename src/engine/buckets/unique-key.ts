// A bucket's unique_key (SPEC §7, §8): which scalar fields identify an object, the bucket's default
// insertion policy, and how a request's ?policy= and that default resolve.
import { BadRequestError } from '../errors.ts';
import { isPlainObject } from './field-values.ts';
import { isScalarFieldType, type BucketSchema } from './field-types.ts';

export const UNIQUE_KEY_POLICIES = ['insert', 'update', 'upsert'] as const;
export type UniqueKeyPolicy = (typeof UNIQUE_KEY_POLICIES)[number];

export interface UniqueKeyConfig {
  /** As the client listed them (shown back); the key value sorts them, so order does not matter. */
  fields: string[];
  defaultPolicy: UniqueKeyPolicy | null;
}

export const MAX_UNIQUE_KEY_FIELDS = 16;
/** Longest string value of a unique-key field (SPEC §7). */
export const MAX_UNIQUE_KEY_VALUE_LENGTH = 255;

function fail(path: string, message: string): never {
  throw new BadRequestError(`Invalid unique_key: ${path} ${message}`, { field: path, reason: message });
}

function parsePolicy(raw: unknown, path: string): UniqueKeyPolicy {
  const policy = typeof raw === 'string' ? raw.toLowerCase() : raw;
  if (!(UNIQUE_KEY_POLICIES as readonly unknown[]).includes(policy)) fail(path, `must be one of ${UNIQUE_KEY_POLICIES.join(', ')}`);
  return policy as UniqueKeyPolicy;
}

/**
 * Validates a bucket's unique_key against its (normalised) schema: 1-16 distinct top-level fields of
 * a scalar metadata type. null/undefined → the bucket has none.
 */
export function normaliseUniqueKey(raw: unknown, schema: BucketSchema): UniqueKeyConfig | null {
  if (raw === undefined || raw === null) return null;
  if (!isPlainObject(raw)) fail('unique_key', 'must be an object with "fields"');
  const fields = raw.fields;
  if (!Array.isArray(fields) || fields.length === 0 || fields.length > MAX_UNIQUE_KEY_FIELDS) fail('unique_key.fields', `must list 1-${MAX_UNIQUE_KEY_FIELDS} field names`);
  const seen = new Set<string>();
  fields.forEach((name: unknown, i) => {
    const path = `unique_key.fields[${i}]`;
    if (typeof name !== 'string' || name.length === 0) fail(path, 'must be a field name');
    if (seen.has(name)) fail(path, `repeats "${name}"`);
    seen.add(name);
    const field = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
    if (field === undefined) fail(path, `names "${name.slice(0, 255)}", which is not a top-level field of bucket_schema`);
    if (!isScalarFieldType(field.type)) fail(path, `names "${name}" of type ${field.type}: unique-key fields must be string, number, integer, float, boolean, date or datetime`);
  });
  const defaultPolicy = raw.default_policy === undefined || raw.default_policy === null ? null : parsePolicy(raw.default_policy, 'unique_key.default_policy');
  return { fields: [...(fields as string[])], defaultPolicy };
}

/** Mixpeek's UniqueKeyConfig JSON. */
export function uniqueKeyToJson(key: UniqueKeyConfig): { fields: string[]; default_policy: UniqueKeyPolicy | null } {
  return { fields: key.fields, default_policy: key.defaultPolicy };
}

/**
 * The policy for one write: ?policy= first, then the bucket's default_policy, else 400. A bucket
 * without a unique key has no policy (null), whatever ?policy= says.
 */
export function resolveUniqueKeyPolicy(requested: string | null | undefined, uniqueKey: UniqueKeyConfig | null): UniqueKeyPolicy | null {
  if (uniqueKey === null) return null;
  if (requested !== undefined && requested !== null && requested !== '') return parsePolicy(requested, 'policy');
  if (uniqueKey.defaultPolicy !== null) return uniqueKey.defaultPolicy;
  throw new BadRequestError('This bucket has a unique key and no default_policy: pass ?policy=insert, update or upsert', {
    unique_key_fields: uniqueKey.fields,
    allowed_policies: [...UNIQUE_KEY_POLICIES],
  });
}

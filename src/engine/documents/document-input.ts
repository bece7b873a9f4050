// What clients send for documents, checked before anything is stored: the create body (lineage,
// metadata, features with provided vectors) and update bodies (free-form user fields; vectors and
// system fields cannot change through them).
import { isDeepStrictEqual } from 'node:util';
import { BadRequestError } from '../errors.ts';
import { isPlainObject } from '../buckets/field-values.ts';
import type { Collection } from '../collections/types.ts';
import { RESERVED_FIELDS, systemView } from './document-view.ts';
import type { LineageStep, SourceBlobRef, StoredDocument } from './types.ts';

/** Largest finite float32: a larger number would be stored as Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Create-body keys with a meaning of their own; any other key is a user field. */
const CREATE_KEYS = new Set([
  'collection_id',
  'root_object_id',
  'root_bucket_id',
  'source_type',
  'source_collection_id',
  'source_document_id',
  'source_object_id',
  'lineage_path',
  'lineage_chain',
  'document_schema_version',
  'metadata',
  'features',
  'source_blobs',
]);

export interface DocumentCreateInput {
  collection_id?: string | null;
  root_object_id?: string | null;
  root_bucket_id?: string | null;
  source_type?: 'bucket' | 'collection' | null;
  source_collection_id?: string | null;
  source_document_id?: string | null;
  source_object_id?: string | null;
  lineage_path?: string | null;
  lineage_chain?: LineageStep[] | null;
  document_schema_version?: string | null;
  metadata?: Record<string, unknown> | null;
  features?: { feature_extractor_id: string; payload?: Record<string, unknown> | null; vectors?: unknown }[] | null;
  source_blobs?: SourceBlobRef[] | null;
  [key: string]: unknown;
}

/** The user fields of a create body: its extra keys, `metadata`, and each feature's payload. */
export function createFields(body: DocumentCreateInput): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!CREATE_KEYS.has(key)) fields[key] = value;
  for (const f of body.features ?? []) if (f.payload) for (const [key, value] of Object.entries(f.payload)) fields[key] = value;
  if (body.metadata !== undefined && body.metadata !== null) fields.metadata = body.metadata;
  assertUserFields(fields, 'body');
  return fields;
}

function assertUserFields(fields: Record<string, unknown>, at: string): void {
  for (const key of Object.keys(fields)) {
    if (RESERVED_FIELDS.has(key) || key.startsWith('_')) throw new BadRequestError(`'${key}' is a system field of documents, not a user field`, { field: `${at}.${key}` }, 'reserved_field');
  }
}

/**
 * The vectors of `features[].vectors`: each a dense list under one of the collection's vector index
 * names, of that index's dimensions, every number finite as a float32. Anything else is refused
 * whole, before anything is stored.
 */
export function providedVectors(collection: Collection, features: DocumentCreateInput['features']): Record<string, Float32Array> {
  const indexes = new Map(collection.vectorIndexes.map((v) => [v.name, v]));
  const out: Record<string, Float32Array> = {};
  for (const [i, feature] of (features ?? []).entries()) {
    const vectors = feature.vectors;
    if (vectors === undefined || vectors === null) continue;
    const at = `features[${i}].vectors`;
    if (!isPlainObject(vectors)) throw new BadRequestError('vectors must map vector index names to lists of numbers', { field: at }, 'invalid_vector');
    if ('indices' in vectors && 'values' in vectors) throw new BadRequestError('sparse vectors are not supported: this collection has no sparse vector index', { field: at, vector_indexes: [...indexes.keys()] }, 'invalid_vector');
    for (const [name, value] of Object.entries(vectors)) {
      const index = indexes.get(name);
      if (!index) throw new BadRequestError(`'${name}' is not a vector index of this collection`, { field: `${at}.${name}`, vector_indexes: [...indexes.keys()] }, 'unknown_vector_index');
      if (name in out) throw new BadRequestError(`vector '${name}' is given twice`, { field: `${at}.${name}` }, 'invalid_vector');
      if (!Array.isArray(value) || value.some((x) => Array.isArray(x))) throw new BadRequestError(`vector '${name}' must be a list of numbers (index type ${index.index.type})`, { field: `${at}.${name}` }, 'invalid_vector');
      const dims = index.index.dimensions;
      if (value.length !== dims) throw new BadRequestError(`vector '${name}' has ${value.length} dimensions; the index has ${dims}`, { field: `${at}.${name}`, expected: dims, actual: value.length }, 'vector_dimensions');
      const v = new Float32Array(dims);
      for (let k = 0; k < dims; k++) {
        const x = value[k];
        if (typeof x !== 'number' || !Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX) throw new BadRequestError(`vector '${name}' holds a value that is not a finite float32 number at ${k}`, { field: `${at}.${name}[${k}]` }, 'invalid_vector');
        v[k] = x;
      }
      out[name] = v;
    }
  }
  return out;
}

/**
 * The user fields after an update. `replace` (PUT): the body's user fields become the document's.
 * `merge` (PATCH, batch and bulk update_data): each key sets that field; a dotted key
 * ("metadata.status") sets a nested one. System fields and vectors may appear only with the value
 * the document already has (a client sending back what it read); a change is refused.
 */
export function updatedFields(current: StoredDocument, update: Record<string, unknown>, mode: 'replace' | 'merge', vectorNames: readonly string[], at = 'body'): Record<string, unknown> {
  const system = systemView(current);
  const fields: Record<string, unknown> = mode === 'replace' ? {} : structuredClone(current.fields);
  for (const [key, value] of Object.entries(update)) {
    const root = key.split('.')[0]!;
    if (vectorNames.includes(root)) {
      const stored = current.vectors[root];
      if (key === root && stored !== undefined && Array.isArray(value) && isDeepStrictEqual(value, [...stored])) continue;
      throw new BadRequestError(`vectors cannot be changed through updates ('${key}')`, { field: `${at}.${key}` }, 'immutable_field');
    }
    if (RESERVED_FIELDS.has(root) || root.startsWith('_')) {
      if (key === root && root in system && isDeepStrictEqual(value, system[root])) continue;
      throw new BadRequestError(`'${key}' is a system field and cannot be changed through updates`, { field: `${at}.${key}` }, 'immutable_field');
    }
    if (mode === 'merge' && key.includes('.')) setPath(fields, key.split('.'), value, `${at}.${key}`);
    else fields[key] = value;
  }
  return fields;
}

function setPath(target: Record<string, unknown>, segments: string[], value: unknown, at: string): void {
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    if (segment === '' || segment === '__proto__') throw new BadRequestError('not a field path', { field: at }, 'invalid_field');
    const next = node[segment];
    if (next === undefined || next === null) node[segment] = {};
    else if (!isPlainObject(next)) throw new BadRequestError(`'${segment}' is not an object, so a field cannot be set under it`, { field: at }, 'invalid_field');
    node = node[segment] as Record<string, unknown>;
  }
  const last = segments.at(-1)!;
  if (last === '' || last === '__proto__') throw new BadRequestError('not a field path', { field: at }, 'invalid_field');
  node[last] = value;
}

/** update_data of batch and bulk updates: a non-empty object. */
export function assertUpdateData(value: unknown, at: string): asserts value is Record<string, unknown> {
  if (!isPlainObject(value) || Object.keys(value).length === 0) throw new BadRequestError('update_data must be a non-empty object of fields to set', { field: at }, 'invalid_update');
}

// What a namespace's configuration may say (SPEC §6): its name, feature extractors (locked at
// creation) and payload indexes. Checked here so every way in (create, PUT, PATCH) agrees.
import { BadRequestError } from '../errors.ts';
import { PAYLOAD_INDEX_TYPES, type FeatureExtractorConfig, type PayloadIndexConfig, type PayloadIndexType } from './types.ts';

/** Indexes the platform maintains itself; users can neither create nor alter them (SPEC §6). */
export const PROTECTED_INDEX_FIELDS: ReadonlySet<string> = new Set([
  'internal_id', 'namespace_id', 'collection_id', 'document_id', 'bucket_id', 'object_id',
  'root_object_id', 'root_bucket_id', 'source_object_id', 'created_at', 'updated_at',
]);

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const ID_SHAPED = /^ns_[a-z0-9]{20}$/;
const EXTRACTOR_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const MAX_FEATURE_EXTRACTORS = 32;
export const MAX_PAYLOAD_INDEXES = 128;
/** ttl_seconds: a minute to ten years. */
export const MIN_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

export function assertNamespaceName(name: string): void {
  if (!NAME.test(name)) {
    throw new BadRequestError('namespace_name must be 1-100 letters, digits, "_", "-" or ".", starting with a letter or digit', { field: 'namespace_name', value: name });
  }
  // A name shaped like a namespace id would make X-Namespace ambiguous.
  if (ID_SHAPED.test(name)) throw new BadRequestError('namespace_name may not have the shape of a namespace id (ns_ + 20 letters or digits)', { field: 'namespace_name', value: name });
}

export interface FeatureExtractorInput {
  feature_extractor_name: string;
  version: string;
  params?: Record<string, unknown> | null | undefined;
}

export function normaliseFeatureExtractors(input: readonly FeatureExtractorInput[]): FeatureExtractorConfig[] {
  if (input.length === 0) throw new BadRequestError('feature_extractors needs at least one extractor', { field: 'feature_extractors' });
  if (input.length > MAX_FEATURE_EXTRACTORS) throw new BadRequestError(`At most ${MAX_FEATURE_EXTRACTORS} feature extractors`, { field: 'feature_extractors' });
  const seen = new Set<string>();
  return input.map((fe, i) => {
    for (const part of ['feature_extractor_name', 'version'] as const) {
      if (!EXTRACTOR_PART.test(fe[part])) throw new BadRequestError(`feature_extractors[${i}].${part} is not a valid name`, { field: `feature_extractors[${i}].${part}`, value: fe[part] });
    }
    const id = extractorId(fe);
    if (seen.has(id)) throw new BadRequestError(`Feature extractor '${id}' is listed twice`, { field: `feature_extractors[${i}]`, feature_extractor_id: id });
    seen.add(id);
    return { feature_extractor_name: fe.feature_extractor_name, version: fe.version, params: fe.params ?? null };
  });
}

export function extractorId(fe: { feature_extractor_name: string; version: string }): string {
  return `${fe.feature_extractor_name}_${fe.version}`;
}

export interface PayloadIndexInput {
  field_name: string;
  type: string;
  field_schema?: Record<string, unknown> | null | undefined;
  is_protected?: boolean | undefined;
}

export function normalisePayloadIndexes(input: readonly PayloadIndexInput[] | null | undefined): PayloadIndexConfig[] {
  if (!input) return [];
  if (input.length > MAX_PAYLOAD_INDEXES) throw new BadRequestError(`At most ${MAX_PAYLOAD_INDEXES} payload indexes`, { field: 'payload_indexes' });
  const seen = new Set<string>();
  return input.map((index, i) => {
    const where = `payload_indexes[${i}]`;
    if (PROTECTED_INDEX_FIELDS.has(index.field_name) || index.is_protected) {
      throw new BadRequestError(`'${index.field_name}' is a protected system index: it cannot be created or altered`, { field: `${where}.field_name`, value: index.field_name });
    }
    if (seen.has(index.field_name)) throw new BadRequestError(`Payload index field '${index.field_name}' is listed twice`, { field: `${where}.field_name` });
    seen.add(index.field_name);
    if (!(PAYLOAD_INDEX_TYPES as readonly string[]).includes(index.type)) {
      throw new BadRequestError(`${where}.type must be one of ${PAYLOAD_INDEX_TYPES.join(', ')}`, { field: `${where}.type`, value: index.type });
    }
    const declared = index.field_schema?.type;
    if (declared !== undefined && declared !== index.type) {
      throw new BadRequestError(`${where}.field_schema.type '${String(declared)}' does not match type '${index.type}'`, { field: `${where}.field_schema.type` });
    }
    return { field_name: index.field_name, type: index.type as PayloadIndexType, field_schema: index.field_schema ?? null, is_protected: false };
  });
}

// A new collection's source (SPEC §12 SourceConfig): buckets (bucket_ids, alias bucket_id) or
// upstream collections (collection_id / collection_ids) of the same namespace. Resolves them, checks
// that several sources have compatible schemas, and gives the schema input_mappings are checked
// against, the tier (upstream tier + 1) and the buckets at the root of the DAG. Cycles cannot
// happen: a collection can only name collections that exist before it.
import type { Bucket } from '../buckets/types.ts';
import type { SchemaField } from '../buckets/field-types.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import type { OutputFields } from '../extractors/extractor-definition.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import { parseFilter } from '../query/index.ts';
import type { TenantScope } from '../scope/request-scope.ts';
import type { Collection, CollectionSource } from './types.ts';

export interface SourceInput {
  type?: string | null | undefined;
  bucket_ids?: readonly string[] | null | undefined;
  bucket_id?: string | null | undefined;
  collection_id?: string | null | undefined;
  collection_ids?: readonly string[] | null | undefined;
  source_filters?: { filters?: unknown } | null | undefined;
  [other: string]: unknown;
}

export interface ResolvedSource {
  source: CollectionSource;
  /** What input_mappings and field_passthrough read: the bucket schema (flattened) or the upstream output_schema. */
  inputSchema: OutputFields;
  tier: number;
  buckets: Bucket[];
  upstream: Collection[];
}

export const MAX_SOURCES = 16;

export async function resolveSource(repos: Pick<Repositories, 'buckets' | 'collections'>, tenant: TenantScope, input: SourceInput): Promise<ResolvedSource> {
  const bucketRefs = unique([...(input.bucket_ids ?? []), ...(input.bucket_id ? [input.bucket_id] : [])]);
  const collectionRefs = unique([...(input.collection_ids ?? []), ...(input.collection_id ? [input.collection_id] : [])]);
  const type = input.type ?? (collectionRefs.length > 0 && bucketRefs.length === 0 ? 'collection' : 'bucket');
  if (type !== 'bucket' && type !== 'collection') throw bad('source.type', `must be 'bucket' or 'collection'`);
  if (type === 'bucket' && collectionRefs.length > 0) throw bad('source.collection_ids', 'is forbidden for a bucket source');
  if (type === 'collection' && bucketRefs.length > 0) throw bad('source.bucket_ids', 'is forbidden for a collection source');
  const refs = type === 'bucket' ? bucketRefs : collectionRefs;
  const at = type === 'bucket' ? 'source.bucket_ids' : 'source.collection_ids';
  if (refs.length === 0) throw bad(at, type === 'bucket' ? 'needs at least one bucket (bucket_ids, or bucket_id)' : 'needs collection_id or collection_ids');
  if (refs.length > MAX_SOURCES) throw bad(at, `may name at most ${MAX_SOURCES} sources`);
  const sourceFilters = input.source_filters?.filters == null ? null : parseFilter(input.source_filters.filters, 'source.source_filters.filters');

  if (type === 'bucket') {
    const buckets: Bucket[] = [];
    for (const ref of refs) {
      const bucket = await repos.buckets.find(tenant, ref);
      if (!bucket) throw new NotFoundError('bucket', ref);
      buckets.push(bucket);
    }
    const [first, ...rest] = buckets;
    for (const other of rest) {
      const difference = schemaDifference(first!.bucketSchema.properties, other.bucketSchema.properties, '');
      if (difference !== null) {
        throw new BadRequestError(`Source buckets '${first!.bucketName}' and '${other.bucketName}' have incompatible schemas (${difference}): a multi-bucket source needs the same fields, types and required flags`, {
          field: 'source.bucket_ids',
          bucket_ids: [first!.bucketId, other.bucketId],
        });
      }
    }
    return {
      source: { type: 'bucket', bucketIds: buckets.map((b) => b.bucketId), collectionIds: [], inheritedBucketIds: [], sourceFilters },
      inputSchema: flattenSchema(first!.bucketSchema.properties),
      tier: 0,
      buckets,
      upstream: [],
    };
  }

  const upstream: Collection[] = [];
  for (const ref of refs) {
    const collection = await repos.collections.find(tenant, ref);
    if (!collection) throw new NotFoundError('collection', ref);
    upstream.push(collection);
  }
  const [first, ...rest] = upstream;
  for (const other of rest) {
    const a = JSON.stringify(sortedTypes(first!.outputSchema));
    if (a !== JSON.stringify(sortedTypes(other.outputSchema))) {
      throw new BadRequestError(`Source collections '${first!.collectionName}' and '${other.collectionName}' have incompatible output schemas: a multi-collection source needs the same fields and types`, {
        field: 'source.collection_ids',
        collection_ids: [first!.collectionId, other.collectionId],
      });
    }
  }
  return {
    source: {
      type: 'collection',
      bucketIds: [],
      collectionIds: upstream.map((c) => c.collectionId),
      inheritedBucketIds: unique(upstream.flatMap((c) => (c.source.type === 'bucket' ? c.source.bucketIds : c.source.inheritedBucketIds))),
      sourceFilters,
    },
    inputSchema: first!.outputSchema,
    tier: Math.max(...upstream.map((c) => c.tier)) + 1,
    buckets: [],
    upstream,
  };
}

/** A bucket schema as field path → type: top-level fields and the declared members of object fields ("metadata.author"). */
export function flattenSchema(properties: Record<string, SchemaField>, prefix = ''): OutputFields {
  const out: OutputFields = {};
  for (const [name, field] of Object.entries(properties)) {
    const path = prefix + name;
    out[path] = { type: field.type, ...(field.description !== undefined ? { description: field.description } : {}) };
    if (field.type === 'object' && field.properties) Object.assign(out, flattenSchema(field.properties, `${path}.`));
  }
  return out;
}

/** null when both schemas have the same fields with the same types and required flags; else what differs. */
function schemaDifference(a: Record<string, SchemaField>, b: Record<string, SchemaField>, prefix: string): string | null {
  const names = unique([...Object.keys(a), ...Object.keys(b)]).sort();
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (!x || !y) return `field '${prefix + name}' is in only one of them`;
    if (x.type !== y.type) return `field '${prefix + name}' is ${x.type} in one and ${y.type} in the other`;
    if (x.required !== y.required) return `field '${prefix + name}' is required in only one of them`;
    if (x.properties || y.properties) {
      const inner = schemaDifference(x.properties ?? {}, y.properties ?? {}, `${prefix + name}.`);
      if (inner !== null) return inner;
    }
  }
  return null;
}

function sortedTypes(schema: OutputFields): [string, string][] {
  return Object.entries(schema)
    .map(([k, v]): [string, string] => [k, v.type])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function bad(field: string, problem: string): BadRequestError {
  return new BadRequestError(`${field} ${problem}`, { field });
}

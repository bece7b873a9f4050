// Buckets (SPEC §7), under Mixpeek's component names. bucket_schema is checked by the engine
// (engine/buckets/bucket-schema.ts), which accepts Mixpeek's documented aliases and any case.
import { Type, type Static } from '@sinclair/typebox';
import { FreeObject, Nullable } from './nullable.ts';
import { PaginationResponse } from './pagination.ts';

const BucketName = Type.String({ minLength: 1, maxLength: 255, title: 'Bucket Name', description: 'Unique among the live buckets of the namespace.' });
const Description = Nullable(Type.String({ maxLength: 10_000 }), { title: 'Description' });
const Metadata = FreeObject({ title: 'Metadata', description: 'Free-form metadata about the bucket.' });

export const UniqueKeyConfig = Type.Object(
  {
    fields: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 16, title: 'Fields', description: 'Scalar top-level fields of bucket_schema that identify an object.' }),
    default_policy: Type.Optional(Nullable(Type.String({ maxLength: 16 }), { title: 'Default Policy', description: 'insert | update | upsert: used when a create names no ?policy=.' })),
  },
  { $id: 'UniqueKeyConfig', title: 'UniqueKeyConfig', additionalProperties: false },
);

const BucketSchemaInput = FreeObject({
  title: 'BucketSchema',
  description: '{"properties": {<field>: {type, required, default, enum, items, properties, description, examples}}}. Types in any case; `json` is read as `text`.',
});

export const BucketCreateRequest = Type.Object(
  {
    bucket_name: BucketName,
    description: Type.Optional(Description),
    bucket_schema: Type.Optional(BucketSchemaInput),
    schema: Type.Optional(FreeObject({ title: 'Schema', description: 'Alias of bucket_schema (the docs\' spelling); one of the two is required.' })),
    unique_key: Type.Optional(Nullable(Type.Ref(UniqueKeyConfig), { description: 'Immutable once the bucket exists.' })),
    metadata: Type.Optional(Metadata),
  },
  { $id: 'BucketCreateRequest', title: 'BucketCreateRequest', additionalProperties: false },
);
export type BucketCreateBody = Static<typeof BucketCreateRequest>;

const editFields = {
  bucket_name: Type.Optional(Nullable(BucketName)),
  description: Type.Optional(Description),
  metadata: Type.Optional(Nullable(FreeObject())),
};
export const BucketUpdateRequest = Type.Object(editFields, { $id: 'BucketUpdateRequest', title: 'BucketUpdateRequest', additionalProperties: false, description: 'bucket_schema and unique_key cannot change.' });
export const BucketPatchRequest = Type.Object(editFields, { $id: 'BucketPatchRequest', title: 'BucketPatchRequest', additionalProperties: false, description: 'Only the given fields change.' });
export type BucketEditBody = Static<typeof BucketUpdateRequest>;

export const BatchStatistics = Type.Object(
  { total: Type.Integer(), active: Type.Integer(), completed: Type.Integer(), failed: Type.Integer() },
  { $id: 'BatchStatistics', title: 'BatchStatistics' },
);
export const StorageStatistics = Type.Object(
  { total_size_bytes: Type.Integer(), avg_size_bytes: Type.Number(), max_size_bytes: Type.Integer(), min_size_bytes: Type.Integer() },
  { $id: 'StorageStatistics', title: 'StorageStatistics', description: 'Over the bucket\'s objects (each object\'s blobs together).' },
);

export const BucketResponse = Type.Object(
  {
    bucket_id: Type.String({ title: 'Bucket Id' }),
    bucket_name: Type.String({ title: 'Bucket Name' }),
    namespace_id: Type.String({ title: 'Namespace Id', description: 'The namespace the bucket lives in.' }),
    description: Nullable(Type.String()),
    bucket_schema: Nullable(FreeObject({ title: 'BucketSchema' })),
    unique_key: Nullable(Type.Ref(UniqueKeyConfig)),
    metadata: FreeObject(),
    object_count: Type.Integer({ title: 'Object Count' }),
    total_size_bytes: Type.Integer({ title: 'Total Size Bytes' }),
    created_at: Nullable(Type.String({ format: 'date-time' })),
    updated_at: Nullable(Type.String({ format: 'date-time' })),
    last_upload_at: Nullable(Type.String({ format: 'date-time' }), { description: 'When the newest object was created.' }),
    status: Type.String({ title: 'Status' }),
    is_locked: Type.Boolean(),
    batch_stats: Nullable(Type.Ref(BatchStatistics)),
    storage_stats: Nullable(Type.Ref(StorageStatistics)),
  },
  { $id: 'BucketResponse', title: 'BucketResponse' },
);
export type BucketResponseBody = Static<typeof BucketResponse>;

const FilterValue = Type.Union([Type.String({ maxLength: 255 }), Type.Array(Type.String({ maxLength: 255 }), { maxItems: 1000 }), Type.Object({ $eq: Type.Optional(Type.String({ maxLength: 255 })), $in: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 1000 })) }, { additionalProperties: false })]);

export const ListBucketsRequest = Type.Object(
  {
    search: Type.Optional(Nullable(Type.String({ maxLength: 255 }), { description: 'Substring of bucket_id, bucket_name or description.' })),
    filters: Type.Optional(Nullable(Type.Object({ bucket_id: Type.Optional(FilterValue), bucket_name: Type.Optional(FilterValue) }, { additionalProperties: false }), { description: 'By bucket_id or bucket_name (a value, a list, {$eq} or {$in}).' })),
    sort: Type.Optional(
      Nullable(
        Type.Object(
          { field: Type.Union([Type.Literal('bucket_name'), Type.Literal('created_at'), Type.Literal('updated_at'), Type.Literal('bucket_id')]), direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])) },
          { additionalProperties: false },
        ),
      ),
    ),
    case_sensitive: Type.Optional(Type.Boolean({ default: false })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { $id: 'ListBucketsRequest', title: 'ListBucketsRequest', additionalProperties: false },
);
export type ListBucketsBody = Static<typeof ListBucketsRequest>;

export const BucketListStats = Type.Object(
  { total_objects: Type.Integer(), total_size_bytes: Type.Integer(), avg_objects_per_bucket: Type.Number(), avg_size_per_bucket: Type.Number() },
  { $id: 'BucketListStats', title: 'BucketListStats', description: 'Over the buckets of the returned page.' },
);

export const ListBucketsResponse = Type.Object(
  { results: Type.Array(Type.Ref(BucketResponse)), total_count: Type.Integer(), pagination: Type.Ref(PaginationResponse), stats: Nullable(Type.Ref(BucketListStats)) },
  { $id: 'ListBucketsResponse', title: 'ListBucketsResponse' },
);
export type ListBucketsResponseBody = Static<typeof ListBucketsResponse>;

export const DeleteBucketResponse = Type.Object(
  {
    task_id: Type.String({ description: 'Poll GET /v1/tasks/{task_id} until COMPLETED.' }),
    status: Type.String({ description: 'PENDING: the cascade runs on the job queue.' }),
    bucket_id: Type.String(),
    bucket_name: Type.String(),
    object_count: Type.Integer({ description: 'Objects the cascade removes.' }),
  },
  { $id: 'DeleteBucketResponse', title: 'DeleteBucketResponse', description: 'Deletion is asynchronous: the bucket is gone from every route at once (its name free); a task removes its objects and blobs.' },
);

export const BucketIdentifierParams = Type.Object({ bucket_identifier: Type.String({ minLength: 1, maxLength: 255, title: 'Bucket Identifier', description: 'Bucket id (bkt_…) or name; a name needs X-Namespace.' }) });

export const BUCKET_SCHEMAS = [UniqueKeyConfig, BucketCreateRequest, BucketUpdateRequest, BucketPatchRequest, BatchStatistics, StorageStatistics, BucketResponse, ListBucketsRequest, BucketListStats, ListBucketsResponse, DeleteBucketResponse];

// Bucket objects (SPEC §8), under Mixpeek's component names. User fields live flat on the object
// (additionalProperties) and are checked by the engine against the bucket schema, as are blobs.
import { Type, type Static } from '@sinclair/typebox';
import { FreeObject, Nullable } from './nullable.ts';
import { PaginationResponse, SortOption } from './pagination.ts';
import { QueryObject } from './query.ts';

export const CreateBlobRequest = Type.Object(
  {
    property: Type.String({ minLength: 1, maxLength: 100, description: 'A blob field of the bucket schema.' }),
    type: Type.String({ minLength: 1, maxLength: 32, description: 'The field\'s type (any case).' }),
    data: Type.Optional(
      Type.Unknown({
        description:
          'One of: an http(s):// URL (fetched; private addresses refused), a data URI, {base64, mime_type, filename}, {url}, or inline text / a JSON value for text fields. Exactly one of data and upload_id.',
      }),
    ),
    upload_id: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    key_prefix: Type.Optional(Nullable(Type.String({ maxLength: 1024 }))),
    metadata: Type.Optional(Nullable(FreeObject())),
    canonicalize_source: Type.Optional(Nullable(Type.Boolean())),
    force_remirror: Type.Optional(Nullable(Type.Boolean())),
  },
  { $id: 'CreateBlobRequest', title: 'CreateBlobRequest' },
);

export const CreateObjectRequest = Type.Object(
  {
    key_prefix: Type.Optional(Nullable(Type.String({ maxLength: 1024 }))),
    blobs: Type.Optional(Type.Array(Type.Ref(CreateBlobRequest), { maxItems: 100 })),
    skip_duplicates: Type.Optional(Type.Boolean({ default: false, description: 'Blobs whose content hash already exists in the bucket are not stored again.' })),
    canonicalize_source: Type.Optional(Type.Boolean({ default: true })),
    force_remirror: Type.Optional(Type.Boolean({ default: false })),
  },
  { $id: 'CreateObjectRequest', title: 'CreateObjectRequest', additionalProperties: true, description: 'Any other key is a user field, stored flat on the object (`metadata: {…}` is accepted as well).' },
);

export const BlobModel = Type.Object(
  {
    blob_id: Type.String(),
    property: Type.String(),
    key_prefix: Nullable(Type.String()),
    type: Type.String(),
    properties: FreeObject({ description: 'url (internal location), source_url, upload_id, presigned_url (when asked for), and the blob\'s metadata.' }),
    details: Type.Object({ filename: Nullable(Type.String()), size_bytes: Nullable(Type.Integer()), mime_type: Nullable(Type.String()), hash: Nullable(Type.String()) }, { title: 'BlobDetails' }),
  },
  { $id: 'BlobModel', title: 'BlobModel' },
);

export const ObjectResponse = Type.Object(
  {
    object_id: Type.Optional(Type.String()),
    bucket_id: Type.String(),
    namespace_id: Type.Optional(Type.String()),
    key_prefix: Type.Optional(Nullable(Type.String())),
    blobs: Type.Optional(Type.Array(Type.Ref(BlobModel))),
    source_details: Type.Optional(Type.Array(Type.Object({ type: Type.String(), source_id: Type.String() }))),
    status: Type.Optional(Type.String({ description: 'DRAFT until a batch processes the object.' })),
    error: Type.Optional(Nullable(Type.String())),
    created_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    updated_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  },
  { $id: 'ObjectResponse', title: 'ObjectResponse', additionalProperties: true, description: 'The object with its user fields flat beside these keys (a list\'s `select` may return fewer keys).' },
);
export type ObjectResponseBody = Static<typeof ObjectResponse> & Record<string, unknown>;

export const CreateObjectsBatchRequest = Type.Object(
  { objects: Type.Array(Type.Ref(CreateObjectRequest), { minItems: 1, maxItems: 100 }) },
  { $id: 'CreateObjectsBatchRequest', title: 'CreateObjectsBatchRequest', additionalProperties: false },
);

export const FailedObjectError = Type.Object(
  { object_index: Type.Integer(), error: Type.String(), error_type: Type.String() },
  { $id: 'FailedObjectError', title: 'FailedObjectError' },
);

export const CreateObjectsBatchResponse = Type.Object(
  {
    succeeded: Type.Array(Type.Ref(ObjectResponse)),
    failed: Type.Array(Type.Ref(FailedObjectError)),
    total_requested: Type.Integer(),
    succeeded_count: Type.Integer(),
    failed_count: Type.Integer(),
  },
  { $id: 'CreateObjectsBatchResponse', title: 'CreateObjectsBatchResponse' },
);

export const UpdateObjectRequest = Type.Object(
  {
    key_prefix: Type.Optional(Nullable(Type.String({ maxLength: 1024 }))),
    blobs: Type.Optional(Nullable(Type.Array(Type.Ref(CreateBlobRequest), { maxItems: 100 }), { description: 'Replaces the object\'s blobs when given.' })),
    metadata: Type.Optional(Nullable(FreeObject({ description: 'User fields, merged into the object\'s.' }))),
    skip_duplicates: Type.Optional(Nullable(Type.Boolean())),
  },
  { $id: 'UpdateObjectRequest', title: 'UpdateObjectRequest', additionalProperties: false },
);

export const PatchObjectRequest = Type.Object(
  {
    key_prefix: Type.Optional(Nullable(Type.String({ maxLength: 1024 }))),
    skip_duplicates: Type.Optional(Nullable(Type.Boolean())),
  },
  { $id: 'PatchObjectRequest', title: 'PatchObjectRequest', additionalProperties: true, description: 'key_prefix and flat user fields, merged; object_id, bucket_id and timestamps cannot change.' },
);

export const ListObjectsRequest = Type.Object(
  {
    filters: Type.Optional(Nullable(FreeObject({ title: 'LogicalOperator', description: 'AND/OR/NOT of {field, operator, value} conditions, or {path: value} shorthand. Paths: user fields (or metadata.<field>), object_id, status, key_prefix, created_at, updated_at, blobs.type …' }))),
    sort: Type.Optional(Nullable(SortOption)),
    search: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    select: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100, description: 'Response keys (or user field paths) to return; object_id and bucket_id always come.' }))),
    case_sensitive: Type.Optional(Type.Boolean({ default: false })),
  },
  { $id: 'ListObjectsRequest', title: 'ListObjectsRequest', additionalProperties: false },
);
export type ListObjectsBody = Static<typeof ListObjectsRequest>;

export const ObjectListStats = Type.Object(
  { total_objects: Type.Integer(), total_blobs: Type.Integer(), avg_blobs_per_object: Type.Number(), objects_by_status: Type.Record(Type.String(), Type.Integer()) },
  { $id: 'ObjectListStats', title: 'ObjectListStats', description: 'Over every object matching the query.' },
);

export const ListObjectsResponse = Type.Object(
  { results: Type.Array(Type.Ref(ObjectResponse)), pagination: Type.Ref(PaginationResponse), total_count: Type.Integer(), stats: Nullable(Type.Ref(ObjectListStats)) },
  { $id: 'ListObjectsResponse', title: 'ListObjectsResponse' },
);

const Str = (max = 255) => Type.String({ minLength: 1, maxLength: max });
export const ObjectAggregationRequest = Type.Object(
  {
    group_by: Type.Array(
      Type.Object({ field: Str(), alias: Type.Optional(Nullable(Str())), date_trunc: Type.Optional(Nullable(Str(16))), date_part: Type.Optional(Nullable(Str(16))) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 16 },
    ),
    aggregations: Type.Array(
      Type.Object({ function: Str(32), field: Type.Optional(Nullable(Str())), alias: Str(), distinct_field: Type.Optional(Nullable(Str())) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 32 },
    ),
    filters: Type.Optional(Nullable(FreeObject())),
    having: Type.Optional(
      Nullable(Type.Array(Type.Object({ field: Str(), operator: Type.Union([Type.Literal('gt'), Type.Literal('gte'), Type.Literal('lt'), Type.Literal('lte'), Type.Literal('eq'), Type.Literal('ne')]), value: Type.Unknown() }), { maxItems: 32 })),
    ),
    unwind: Type.Optional(Nullable(Str())),
    range_buckets: Type.Optional(
      Nullable(Type.Array(Type.Object({ field: Str(), boundaries: Type.Array(Type.Number(), { minItems: 1, maxItems: 100 }), default_bucket: Type.Optional(Nullable(Str())) }), { maxItems: 16 })),
    ),
    sort_by: Type.Optional(Nullable(Str())),
    sort_direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' })),
    limit: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000 }))),
  },
  { $id: 'ObjectAggregationRequest', title: 'ObjectAggregationRequest', additionalProperties: false },
);

export const ObjectAggregationResponse = Type.Object(
  {
    results: Type.Array(Type.Object({ group: FreeObject(), metrics: FreeObject() }, { title: 'AggregationResult' })),
    total_groups: Type.Integer(),
    query_info: FreeObject(),
  },
  { $id: 'ObjectAggregationResponse', title: 'ObjectAggregationResponse' },
);

export const BucketParams = Type.Object({ bucket_identifier: Type.String({ minLength: 1, maxLength: 255, description: 'Bucket id (bkt_…) or name; a name needs X-Namespace.' }) });
export const ObjectParams = Type.Object({
  bucket_identifier: Type.String({ minLength: 1, maxLength: 255, description: 'Bucket id (bkt_…) or name; a name needs X-Namespace.' }),
  object_identifier: Type.String({ minLength: 1, maxLength: 255, description: 'Object id (obj_…).' }),
});
export const CreateObjectQuery = QueryObject({
  policy: Type.Optional(Nullable(Type.String({ maxLength: 16, description: 'insert | update | upsert (unique-key buckets); default: the bucket\'s default_policy.' }))),
  auto_process: Type.Boolean({ default: false, description: 'Submit a batch of this object through the bucket\'s collections (when any), in the same transaction.' }),
});
export const BatchObjectsQuery = QueryObject({ auto_process: Type.Boolean({ default: false, description: 'Submit one batch of the created objects through the bucket\'s collections (when any), in the same transaction.' }) });
export const GetObjectQuery = QueryObject({ return_presigned_urls: Type.Boolean({ default: false, description: 'Add properties.presigned_url (valid 1 h) to each stored blob.' }) });

export const OBJECT_SCHEMAS = [
  CreateBlobRequest,
  CreateObjectRequest,
  BlobModel,
  ObjectResponse,
  CreateObjectsBatchRequest,
  FailedObjectError,
  CreateObjectsBatchResponse,
  UpdateObjectRequest,
  PatchObjectRequest,
  ListObjectsRequest,
  ObjectListStats,
  ListObjectsResponse,
  ObjectAggregationRequest,
  ObjectAggregationResponse,
];

// Uploads (SPEC §9), under Mixpeek's component names.
import { Type, type Static } from '@sinclair/typebox';
import { MAX_URL_EXPIRATION_SECONDS, MIN_URL_EXPIRATION_SECONDS, DEFAULT_URL_EXPIRATION_SECONDS } from '../../engine/uploads/upload-rules.ts';
import { FreeObject, Nullable } from './nullable.ts';
import { PaginationResponse, SortOption } from './pagination.ts';
import { QueryObject } from './query.ts';

const TASK_STATUSES = ['PENDING', 'IN_PROGRESS', 'PROCESSING', 'COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED', 'UNKNOWN', 'SKIPPED', 'DRAFT', 'ACTIVE', 'ARCHIVED', 'SUSPENDED'] as const;
// Inline (no $id): the tasks module owns the named TaskStatusEnum / TaskResponse components.
const Status = Type.Unsafe<(typeof TASK_STATUSES)[number]>({ type: 'string', enum: [...TASK_STATUSES], title: 'TaskStatusEnum' });
const DateTime = Type.String({ format: 'date-time' });
const Sha256 = Type.String({ minLength: 64, maxLength: 64, pattern: '^[a-f0-9]{64}$' });

export const CreateUploadRequest = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255, title: 'Filename', description: "No '../' or backslash.", examples: ['video.mp4'] }),
    content_type: Type.String({ minLength: 3, maxLength: 255, title: 'Content Type', description: 'The PUT must send exactly this Content-Type.', examples: ['video/mp4'] }),
    file_size_bytes: Type.Optional(Nullable(Type.Integer({ minimum: 1 }), { title: 'File Size Bytes', description: 'Checked against the tier cap (100 MB free, 5 GB pro, 50 GB enterprise); the PUT may not exceed it.' })),
    presigned_url_expiration: Type.Optional(Type.Integer({ minimum: MIN_URL_EXPIRATION_SECONDS, maximum: MAX_URL_EXPIRATION_SECONDS, default: DEFAULT_URL_EXPIRATION_SECONDS, title: 'Presigned Url Expiration' })),
    metadata: Type.Optional(FreeObject({ title: 'Metadata', description: 'Kept on the upload record only.' })),
    create_object_on_confirm: Type.Optional(Type.Boolean({ default: true, title: 'Create Object On Confirm' })),
    object_metadata: Type.Optional(Nullable(FreeObject(), { title: 'Object Metadata' })),
    blob_property: Type.Optional(Nullable(Type.String({ pattern: '^[a-zA-Z0-9_]+$', minLength: 1, maxLength: 100 }), { title: 'Blob Property', description: 'Default: the filename stem, alphanumerics and underscores.' })),
    blob_type: Type.Optional(Nullable(Type.String({ maxLength: 32 }), { title: 'Blob Type', description: 'Default: derived from content_type.' })),
    file_hash: Type.Optional(Nullable(Sha256, { title: 'File Hash', description: 'SHA-256 (lowercase hex): duplicates are detected at create and the bytes verified on confirm.' })),
    skip_duplicates: Type.Optional(Type.Boolean({ default: true, title: 'Skip Duplicates' })),
  },
  { $id: 'CreateUploadRequest', title: 'CreateUploadRequest', additionalProperties: false },
);
export type CreateUploadBody = Static<typeof CreateUploadRequest>;

export const UploadResponse = Type.Object(
  {
    upload_id: Type.String({ title: 'Upload Id' }),
    bucket_id: Type.String({ title: 'Bucket Id' }),
    filename: Type.String({ title: 'Filename' }),
    content_type: Type.String({ title: 'Content Type' }),
    file_size_bytes: Nullable(Type.Integer(), { title: 'File Size Bytes' }),
    presigned_url: Nullable(Type.String({ minLength: 1 }), { title: 'Presigned Url', description: 'Null for a duplicate, or when not requested.' }),
    presigned_url_expiration: Type.Integer({ title: 'Presigned Url Expiration' }),
    s3_key: Type.String({ title: 'S3 Key' }),
    status: Status,
    metadata: FreeObject({ title: 'Metadata' }),
    create_object_on_confirm: Type.Boolean({ title: 'Create Object On Confirm' }),
    object_metadata: Nullable(FreeObject(), { title: 'Object Metadata' }),
    blob_property: Nullable(Type.String(), { title: 'Blob Property' }),
    blob_type: Nullable(Type.String(), { title: 'Blob Type' }),
    file_hash: Nullable(Type.String(), { title: 'File Hash' }),
    skip_duplicates: Type.Boolean({ title: 'Skip Duplicates' }),
    is_duplicate: Type.Boolean({ title: 'Is Duplicate' }),
    duplicate_of_upload_id: Nullable(Type.String(), { title: 'Duplicate Of Upload Id' }),
    skipped_unique_key: Type.Boolean({ title: 'Skipped Unique Key' }),
    existing_object_id: Nullable(Type.String(), { title: 'Existing Object Id' }),
    message: Nullable(Type.String(), { title: 'Message' }),
    created_at: DateTime,
    expires_at: DateTime,
    completed_at: Nullable(DateTime),
    verified_at: Nullable(DateTime),
    etag: Nullable(Type.String(), { title: 'Etag' }),
    object_id: Nullable(Type.String(), { title: 'Object Id' }),
    task_id: Nullable(Type.String(), { title: 'Task Id' }),
  },
  { $id: 'UploadResponse', title: 'UploadResponse' },
);
export type UploadResponseBody = Static<typeof UploadResponse>;

export const ConfirmUploadRequest = Type.Object(
  {
    etag: Type.Optional(Nullable(Type.String({ maxLength: 200 }), { title: 'Etag', description: 'The ETag the PUT answered with; compared with the stored file.' })),
    file_size_bytes: Type.Optional(Nullable(Type.Integer({ minimum: 1 }), { title: 'File Size Bytes' })),
  },
  { $id: 'ConfirmUploadRequest', title: 'ConfirmUploadRequest', additionalProperties: false },
);

export const ConfirmUploadResponse = Type.Object(
  {
    upload_id: Type.String({ title: 'Upload Id' }),
    status: Status,
    etag: Nullable(Type.String()),
    file_size_bytes: Nullable(Type.Integer()),
    file_hash: Nullable(Type.String()),
    verified_at: Nullable(DateTime),
    completed_at: Nullable(DateTime),
    object_id: Nullable(Type.String()),
    task_id: Nullable(Type.String()),
    message: Nullable(Type.String()),
  },
  { $id: 'ConfirmUploadResponse', title: 'ConfirmUploadResponse' },
);
export type ConfirmUploadResponseBody = Static<typeof ConfirmUploadResponse>;

export const BatchUploadRequest = Type.Object(
  {
    uploads: Type.Array(Type.Ref(CreateUploadRequest), { minItems: 1, maxItems: 100, title: 'Uploads' }),
    shared_metadata: Type.Optional(Nullable(FreeObject(), { title: 'Shared Metadata', description: "Merged into each upload's metadata; the upload's own keys win." })),
    shared_object_metadata: Type.Optional(Nullable(FreeObject(), { title: 'Shared Object Metadata' })),
  },
  { $id: 'BatchUploadRequest', title: 'BatchUploadRequest', additionalProperties: false },
);

export const BatchUploadResponse = Type.Object(
  { uploads: Type.Array(Type.Ref(UploadResponse)), total: Type.Integer() },
  { $id: 'BatchUploadResponse', title: 'BatchUploadResponse' },
);

const Confirmation = Type.Object(
  {
    upload_id: Type.String({ minLength: 1, maxLength: 64 }),
    etag: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    file_size_bytes: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  },
  { additionalProperties: true },
);

export const BatchConfirmRequest = Type.Object(
  { confirmations: Type.Array(Confirmation, { minItems: 1, maxItems: 100, title: 'Confirmations' }) },
  { $id: 'BatchConfirmRequest', title: 'BatchConfirmRequest', additionalProperties: false },
);

const TaskSummary = Type.Object(
  {
    task_id: Type.String(),
    task_type: Type.String(),
    status: Status,
    inputs: Type.Array(Type.Unknown()),
    outputs: Type.Array(Type.Unknown()),
    additional_data: FreeObject(),
    error: Nullable(Type.String()),
  },
  { title: 'TaskResponse' },
);

export const BatchConfirmResponse = Type.Object(
  {
    task_id: Type.String(),
    status: Status,
    confirmations_count: Type.Integer(),
    task: TaskSummary,
    message: Type.String(),
  },
  { $id: 'BatchConfirmResponse', title: 'BatchConfirmResponse' },
);

export const ListUploadsRequest = Type.Object(
  {
    filters: Type.Optional(Nullable(FreeObject(), { title: 'Filters', description: 'Shorthand equalities ({"status": "PENDING", "metadata.k": "v"}) or {"AND": [{field, operator: eq|in, value}]}.' })),
    sort: Type.Optional(Nullable(SortOption)),
    search: Type.Optional(Nullable(Type.String({ maxLength: 500 }), { title: 'Search', description: 'Filename and metadata, case-insensitive.' })),
    return_presigned_urls: Type.Optional(Type.Boolean({ default: false })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { $id: 'ListUploadsRequest', title: 'ListUploadsRequest', additionalProperties: false },
);

export const UploadListStats = Type.Object(
  {
    total_uploads: Type.Integer(),
    total_size_bytes: Type.Integer(),
    uploads_by_status: Type.Record(Type.String(), Type.Integer()),
    avg_file_size_bytes: Type.Number(),
    unique_buckets: Type.Integer(),
  },
  { $id: 'UploadListStats', title: 'UploadListStats' },
);

export const ListUploadsResponse = Type.Object(
  { results: Type.Array(Type.Ref(UploadResponse)), pagination: Type.Ref(PaginationResponse), stats: Type.Ref(UploadListStats) },
  { $id: 'ListUploadsResponse', title: 'ListUploadsResponse' },
);

export const UploadParams = Type.Object({ bucket_identifier: Type.String({ minLength: 1, maxLength: 255 }), upload_id: Type.String({ minLength: 1, maxLength: 64 }) });
export const BucketParams = Type.Object({ bucket_identifier: Type.String({ minLength: 1, maxLength: 255 }) });

/** ?limit etc. as on other lists; the body's limit/offset win when given (Mixpeek puts them in the body). */
export const UploadListQuery = QueryObject({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  cursor: Type.Optional(Nullable(Type.String({ maxLength: 512 }))),
  include_total: Type.Boolean({ default: false }),
});

export const UPLOAD_SCHEMAS = [CreateUploadRequest, UploadResponse, ConfirmUploadRequest, ConfirmUploadResponse, BatchUploadRequest, BatchUploadResponse, BatchConfirmRequest, BatchConfirmResponse, ListUploadsRequest, UploadListStats, ListUploadsResponse];

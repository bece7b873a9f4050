// Batches (SPEC §10), under Mixpeek's component names.
import { Type, type Static } from '@sinclair/typebox';
import { MAX_BATCH_OBJECTS } from '../../engine/batches/batch-service.ts';
import { BoundedFreeObject, MAX_SKIP } from './bounds.ts';
import { FreeObject, Nullable } from './nullable.ts';
import { QueryObject } from './query.ts';
import { TaskStatusEnum } from './tasks.ts';

const ObjectId = Type.String({ minLength: 1, maxLength: 255 });
const CollectionRef = Type.String({ minLength: 1, maxLength: 255 });
/** Collections a run may name (every collection of a namespace fits). */
const MAX_COLLECTIONS = 1000;

export const BatchParams = Type.Object({
  bucket_identifier: Type.String({ minLength: 1, maxLength: 255, title: 'Bucket Identifier', description: 'Bucket id (bkt_…) or name; a name needs X-Namespace.' }),
  batch_id: Type.String({ minLength: 1, maxLength: 255, title: 'Batch Id' }),
});
export const BatchBucketParams = Type.Object({ bucket_identifier: BatchParams.properties.bucket_identifier });

export const SkipValidationQuery = QueryObject({
  skip_validation: Type.Boolean({ default: false, title: 'Skip Validation', description: 'Skip the check that every object exists in the bucket (large batches); missing objects then fail in processing.' }),
});

export const CreateBatchRequest = Type.Object(
  {
    object_ids: Type.Array(ObjectId, { minItems: 1, maxItems: MAX_BATCH_OBJECTS, title: 'Object Ids', description: 'Objects of the bucket (duplicates are ignored). At most the tier\'s batch_size.' }),
    batch_name: Type.Optional(Nullable(Type.String({ maxLength: 255 }), { title: 'Batch Name' })),
    collection_ids: Type.Optional(
      Nullable(Type.Array(CollectionRef, { minItems: 1, maxItems: MAX_COLLECTIONS }), {
        title: 'Collection Ids',
        description: 'Process only these collections of the bucket\'s DAG (ids or names); null: every collection sourced from the bucket, and those sourced from them.',
      }),
    ),
    metadata: Type.Optional(Nullable(BoundedFreeObject({ title: 'Metadata' }))),
  },
  { $id: 'CreateBatchRequest', title: 'CreateBatchRequest', additionalProperties: false },
);
export type CreateBatchBody = Static<typeof CreateBatchRequest>;

export const AddObjectsToBatchRequest = Type.Object(
  { object_ids: Type.Array(ObjectId, { minItems: 1, maxItems: MAX_BATCH_OBJECTS, title: 'Object Ids' }) },
  { $id: 'AddObjectsToBatchRequest', title: 'AddObjectsToBatchRequest', additionalProperties: false },
);

export const SubmitBatchRequest = Type.Object(
  {
    include_processing_history: Type.Optional(Type.Boolean({ default: true, title: 'Include Processing History', description: 'Record the run in each document\'s processing history.' })),
    collection_ids: Type.Optional(
      Nullable(Type.Array(CollectionRef, { minItems: 1, maxItems: MAX_COLLECTIONS }), { title: 'Collection Ids', description: 'Limit this run to these collections of the DAG (ids or names); tiers keep their order.' }),
    ),
  },
  { $id: 'SubmitBatchRequest', title: 'SubmitBatchRequest', additionalProperties: false },
);

export const PatchBatchRequest = Type.Object(
  { metadata: Type.Optional(Nullable(BoundedFreeObject({ title: 'Metadata' }), { description: 'Replaces the batch\'s metadata.' })) },
  { $id: 'PatchBatchRequest', title: 'PatchBatchRequest', additionalProperties: false },
);

export const ListBatchesRequest = Type.Object(
  {
    status: Type.Optional(Nullable(Type.Ref(TaskStatusEnum), { description: 'Only batches in this status.' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SKIP, default: 0, title: 'Offset' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, title: 'Limit' })),
  },
  { $id: 'ListBatchesRequest', title: 'ListBatchesRequest', additionalProperties: false },
);

export const RetryBatchRequest = Type.Object(
  {
    retry_mode: Type.Optional(Type.Union([Type.Literal('transient_only'), Type.Literal('all')], { default: 'transient_only', title: 'Retry Mode', description: 'transient_only: network and resource failures (credits, quotas, outages); all: every failure.' })),
    tier_nums: Type.Optional(Nullable(Type.Array(Type.Integer({ minimum: 0, maximum: 64 }), { maxItems: 64 }), { title: 'Tier Nums', description: 'Only failures of these tiers; null or [] = every tier.' })),
    max_retry_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3, title: 'Max Retry Count', description: 'Items already retried this many times are left out.' })),
  },
  { $id: 'RetryBatchRequest', title: 'RetryBatchRequest', additionalProperties: false },
);

export const FailedDocumentsQuery = QueryObject({
  tier_num: Type.Optional(Type.Integer({ minimum: 0, maximum: 64, title: 'Tier Num' })),
  collection_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, title: 'Collection Id' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, title: 'Limit' }),
  offset: Type.Integer({ minimum: 0, maximum: MAX_SKIP, default: 0, title: 'Offset' }),
});

export const ErrorCategory = Type.Unsafe<'dependency' | 'authentication' | 'validation' | 'runtime' | 'network' | 'resource'>({
  $id: 'ErrorCategory',
  type: 'string',
  enum: ['dependency', 'authentication', 'validation', 'runtime', 'network', 'resource'],
  title: 'ErrorCategory',
  description: 'network and resource failures are transient (retry_mode transient_only).',
});

export const BatchErrorDetail = Type.Object(
  {
    error_type: Type.Ref(ErrorCategory),
    message: Type.String(),
    component: Type.Optional(Nullable(Type.String())),
    stage: Type.Optional(Nullable(Type.String())),
    traceback: Type.Optional(Nullable(Type.String())),
    timestamp: Type.String({ format: 'date-time' }),
    affected_document_ids: Type.Array(Type.String(), { description: 'Source items (obj_… at tier 0, doc_… above), at most 100; affected_count has the number.' }),
    affected_count: Type.Integer({ minimum: 1 }),
    recovery_suggestion: Type.Optional(Nullable(Type.String())),
    metadata: FreeObject(),
  },
  { $id: 'BatchErrorDetail', title: 'BatchErrorDetail' },
);

export const ExtractorJobInfo = Type.Object(
  {
    extractor_type: Type.String(),
    collection_ids: Type.Array(Type.String()),
    ray_job_id: Type.Optional(Nullable(Type.String())),
    celery_task_id: Type.Optional(Nullable(Type.String())),
    status: Type.Ref(TaskStatusEnum),
    started_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    completed_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    duration_ms: Type.Optional(Nullable(Type.Number())),
    documents_written: Type.Optional(Nullable(Type.Integer())),
    errors: Type.Array(Type.Ref(BatchErrorDetail)),
    error: Type.Optional(Nullable(Type.String())),
  },
  { $id: 'ExtractorJobInfo', title: 'ExtractorJobInfo', description: 'The collections of a tier that run one extractor (Tessera runs them as chunk jobs on its queue: no Ray or Celery ids).' },
);

const Counter = Type.Optional(Nullable(Type.Integer()));
export const TierTaskInfo = Type.Object(
  {
    tier_num: Type.Integer({ minimum: 0 }),
    task_id: Type.Optional(Nullable(Type.String())),
    status: Type.Ref(TaskStatusEnum),
    collection_ids: Type.Array(Type.String()),
    extractor_jobs: Type.Array(Type.Ref(ExtractorJobInfo)),
    source_type: Type.String({ description: 'bucket (tier 0) or collection.' }),
    source_collection_ids: Type.Optional(Nullable(Type.Array(Type.String()))),
    parent_task_id: Type.Optional(Nullable(Type.String())),
    started_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    completed_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    duration_ms: Type.Optional(Nullable(Type.Number())),
    errors: Type.Array(Type.Ref(BatchErrorDetail)),
    error_summary: Type.Optional(Nullable(Type.Record(Type.String(), Type.Integer()))),
    performance: Type.Optional(Nullable(FreeObject())),
    ray_job_id: Type.Optional(Nullable(Type.String())),
    celery_task_id: Type.Optional(Nullable(Type.String())),
    source_documents_fetched: Counter,
    documents_after_source_filter: Counter,
    documents_missing_input_fields: Counter,
    documents_submitted_to_engine: Counter,
    documents_written: Counter,
  },
  { $id: 'TierTaskInfo', title: 'TierTaskInfo', description: 'One tier of the run; the last five counters form the debugging funnel.' },
);

export const BatchType = Type.Unsafe<'BUCKET' | 'COLLECTION'>({ $id: 'BatchType', type: 'string', enum: ['BUCKET', 'COLLECTION'], title: 'BatchType' });

export const BatchModel = Type.Object(
  {
    batch_id: Type.String(),
    bucket_id: Type.String(),
    batch_name: Type.Optional(Nullable(Type.String())),
    status: Type.Ref(TaskStatusEnum),
    object_ids: Type.Array(Type.String()),
    collection_ids: Type.Optional(Nullable(Type.Array(Type.String()))),
    error: Type.Optional(Nullable(Type.String())),
    error_summary: Type.Optional(Nullable(Type.Record(Type.String(), Type.Integer()))),
    type: Type.Ref(BatchType),
    manifest_key: Type.Optional(Nullable(Type.String())),
    task_id: Type.Optional(Nullable(Type.String())),
    loaded_object_ids: Type.Optional(Nullable(Type.Array(Type.String()))),
    internal_metadata: Type.Optional(Nullable(FreeObject())),
    metadata: FreeObject(),
    tier_tasks: Type.Array(Type.Ref(TierTaskInfo)),
    current_tier: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    total_tiers: Type.Integer({ minimum: 1 }),
    dag_tiers: Type.Optional(Nullable(Type.Array(Type.Array(Type.String())))),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'BatchModel', title: 'BatchModel', description: 'A batch: status synced with its tiers and chunks while it runs.' },
);
export type BatchModelBody = Static<typeof BatchModel>;

export const ListBatchesResponse = Type.Object(
  { results: Type.Array(Type.Ref(BatchModel)), total_count: Type.Integer() },
  { $id: 'ListBatchesResponse', title: 'ListBatchesResponse' },
);

export const RetryBatchResponse = Type.Object(
  {
    batch_id: Type.String(),
    status: Type.Ref(TaskStatusEnum),
    task_id: Nullable(Type.String()),
    retry_mode: Type.String(),
    retried_count: Type.Integer({ description: 'Failed items queued again.' }),
    retried_object_count: Type.Integer({ description: 'Root objects they come from.' }),
    tier_nums: Type.Array(Type.Integer()),
    message: Type.String(),
  },
  { $id: 'RetryBatchResponse', title: 'RetryBatchResponse', additionalProperties: true },
);

export const FailedDocument = Type.Object(
  {
    source_id: Type.String({ description: 'The item that failed: obj_… (tier 0) or the upstream doc_….' }),
    document_id: Nullable(Type.String({ description: 'The upstream document (tier ≥ 1); null at tier 0.' })),
    object_id: Type.String({ description: 'Its root object.' }),
    tier_num: Type.Integer(),
    collection_id: Type.String(),
    error_type: Type.Ref(ErrorCategory),
    error_message: Type.String(),
    stage: Nullable(Type.String()),
    retry_count: Type.Integer(),
    status: Type.String({ description: 'failed, or retrying while a retry runs it again.' }),
    failed_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'FailedDocument', title: 'FailedDocument' },
);

export const FailedDocumentsResponse = Type.Object(
  { batch_id: Type.String(), results: Type.Array(Type.Ref(FailedDocument)), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() },
  { $id: 'FailedDocumentsResponse', title: 'FailedDocumentsResponse', additionalProperties: true },
);

export const BATCH_SCHEMAS = [
  CreateBatchRequest,
  AddObjectsToBatchRequest,
  SubmitBatchRequest,
  PatchBatchRequest,
  ListBatchesRequest,
  RetryBatchRequest,
  ErrorCategory,
  BatchErrorDetail,
  ExtractorJobInfo,
  TierTaskInfo,
  BatchType,
  BatchModel,
  ListBatchesResponse,
  RetryBatchResponse,
  FailedDocument,
  FailedDocumentsResponse,
];

// Retrievers (SPEC §15–16), under Mixpeek's component names. Request schemas accept the docs'
// legacy forms too (flat stages, `collection_ids`, `input_schema.properties`): the engine reads and
// normalises them (src/engine/retrievers/retriever-definition.ts), and responses always show the
// spec's form.
import { Type, type Static } from '@sinclair/typebox';
import { MAX_INPUTS_BYTES } from '../../engine/retrievers/input-schema.ts';
import { MAX_BYTES_KEYWORD, MAX_DEPTH_KEYWORD } from '../../lib/ajv.ts';
import { BoundedFreeObject, MAX_JSON_BYTES, MAX_JSON_DEPTH } from './bounds.ts';
import { FreeObject, Nullable } from './nullable.ts';
import { PaginationResponse, SortOption } from './pagination.ts';
import { QueryObject } from './query.ts';

const bounded = { [MAX_DEPTH_KEYWORD]: MAX_JSON_DEPTH, [MAX_BYTES_KEYWORD]: MAX_JSON_BYTES };
const Name = Type.String({ minLength: 1, maxLength: 255, title: 'Retriever Name', description: '1-100 letters, digits, spaces, "_", "-" or "."; unique in the namespace.' });
const Description = Nullable(Type.String({ maxLength: 2000 }));
const Identifiers = (title: string, description: string) => Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 64, title, description }));
const Tags = Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 64, title: 'Tags' }));
const DisplayConfig = Nullable(BoundedFreeObject({ title: 'DisplayConfig', description: 'How a published retriever\'s search page looks (stored as given).' }));

export const StageType = Type.Union([Type.Literal('filter'), Type.Literal('sort'), Type.Literal('reduce'), Type.Literal('apply'), Type.Literal('enrich')], {
  $id: 'StageType',
  title: 'StageType',
  description: 'Functional category of a stage: filter N→≤N, sort N→N, reduce N→1, apply N→N·M, enrich N→N (+fields).',
});

export const StageConfig = Type.Object(
  {
    stage_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, title: 'Stage Name', description: 'Instance label, unique in the retriever (keys stage_statistics). Named after the stage id when left out.' })),
    stage_type: Type.Optional(Nullable(Type.String({ maxLength: 32 }), { description: 'filter, sort, reduce, apply or enrich; inferred from the stage id (the catalogue\'s category is stored).' })),
    config: Type.Optional(
      Nullable(BoundedFreeObject({ title: 'Config', description: '{stage_id: a registered stage (GET /v1/retrievers/stages) or a legacy alias, parameters: {...}}. Templates ({{INPUT.x}}) are rendered at execution.' })),
    ),
    batch_size: Type.Optional(Nullable(Type.Union([Type.String({ maxLength: 500 }), Type.Integer({ minimum: 1, maximum: 100_000 })]), { title: 'Batch Size' })),
    description: Type.Optional(Description),
  },
  {
    $id: 'StageConfig',
    title: 'StageConfig',
    additionalProperties: true,
    ...bounded,
    description:
      'One stage: {stage_name, stage_type, config: {stage_id, parameters}}. Also accepted on input: the docs\' flat {stage_type, stage_id, parameters} and the tutorials\' {stage_name: "<stage id>", version, parameters}.',
  },
);

export const BudgetLimits = Type.Object(
  {
    max_credits: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1e9 }), { title: 'Max Credits', description: 'Stop before the work that would pass it.' })),
    max_time_ms: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 3_600_000 }), { title: 'Max Time Ms', description: 'Fail the execution when it runs longer.' })),
  },
  { $id: 'BudgetLimits', title: 'BudgetLimits', additionalProperties: false, description: 'Limits of one execution.' },
);

export const RetrieverInputSchemaFieldInput = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 32, description: 'RetrieverInputSchemaFieldType (case-insensitive): text string integer number float boolean object array date datetime image audio video pdf url document_reference …' }),
    default: Type.Optional(Type.Unknown()),
    items: Type.Optional(Nullable(BoundedFreeObject())),
    properties: Type.Optional(Nullable(BoundedFreeObject())),
    examples: Type.Optional(Nullable(Type.Array(Type.Unknown(), { maxItems: 100 }))),
    description: Type.Optional(Description),
    enum: Type.Optional(Nullable(Type.Array(Type.Unknown(), { maxItems: 1000 }))),
    required: Type.Optional(Nullable(Type.Boolean({ default: false }))),
  },
  { $id: 'RetrieverInputSchemaField-Input', title: 'RetrieverInputSchemaField', additionalProperties: true, ...bounded },
);

/** The docs' form: {properties: {...}, required: [...]}. */
const LegacyInputSchema = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 32 })),
    title: Type.Optional(Type.String({ maxLength: 255 })),
    description: Type.Optional(Description),
    properties: Type.Record(Type.String({ maxLength: 100 }), Type.Ref(RetrieverInputSchemaFieldInput), { maxProperties: 64 }),
    required: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 64 }))),
    additionalProperties: Type.Optional(Type.Unknown()),
  },
  { title: 'LegacyInputSchema', additionalProperties: false },
);

const InputSchema = Nullable(
  Type.Union([Type.Record(Type.String({ maxLength: 100 }), Type.Ref(RetrieverInputSchemaFieldInput), { maxProperties: 64, title: 'Input Schema' }), LegacyInputSchema]),
  { ...bounded, description: 'Inputs by name (or the docs\' {properties, required}); execute checks inputs against it (422).' },
);

export const CreateRetrieverRequest = Type.Object(
  {
    retriever_name: Name,
    description: Type.Optional(Description),
    collection_identifiers: Type.Optional(Identifiers('Collection Identifiers', 'Collections of the namespace (ids or names) the stages search; may be empty.')),
    collection_ids: Type.Optional(Identifiers('Collection Ids', 'The docs\' spelling of collection_identifiers.')),
    stages: Type.Array(Type.Ref(StageConfig), { minItems: 1, maxItems: 32, title: 'Stages' }),
    input_schema: Type.Optional(InputSchema),
    budget_limits: Type.Optional(Nullable(Type.Ref(BudgetLimits))),
    tags: Type.Optional(Tags),
    display_config: Type.Optional(DisplayConfig),
  },
  { $id: 'CreateRetrieverRequest', title: 'CreateRetrieverRequest', additionalProperties: false },
);

export const PatchRetrieverRequest = Type.Object(
  {
    retriever_name: Type.Optional(Nullable(Name)),
    description: Type.Optional(Description),
    tags: Type.Optional(Tags),
    display_config: Type.Optional(DisplayConfig),
  },
  {
    $id: 'PatchRetrieverRequest',
    title: 'PatchRetrieverRequest',
    additionalProperties: true,
    ...bounded,
    description: 'retriever_name, description, tags, display_config; version + 1. Any other field (stages, input_schema, collections, budget_limits) is a 400: clone the retriever instead.',
  },
);

export const CloneRetrieverRequest = Type.Object(
  {
    retriever_name: Name,
    description: Type.Optional(Description),
    collection_identifiers: Type.Optional(Identifiers('Collection Identifiers', 'Override the source\'s collections.')),
    collection_ids: Type.Optional(Identifiers('Collection Ids', 'The docs\' spelling of collection_identifiers.')),
    stages: Type.Optional(Nullable(Type.Array(Type.Ref(StageConfig), { minItems: 1, maxItems: 32 }))),
    input_schema: Type.Optional(InputSchema),
    budget_limits: Type.Optional(Nullable(Type.Ref(BudgetLimits))),
    tags: Type.Optional(Tags),
    display_config: Type.Optional(DisplayConfig),
  },
  { $id: 'CloneRetrieverRequest', title: 'CloneRetrieverRequest', additionalProperties: false, description: 'A new retriever from this one; every field given overrides the source\'s.' },
);

export const ListRetrieversRequest = Type.Object(
  {
    search: Type.Optional(Nullable(Type.String({ maxLength: 255 }), { description: 'Text in retriever_id, retriever_name, description or tags.' })),
    filters: Type.Optional(
      Nullable(BoundedFreeObject({ title: 'LogicalOperator', description: 'Paths: retriever_id, retriever_name, description, version, created_at, updated_at, created_by, stage_count, tag_text, budget_limits.max_credits …' })),
    ),
    sorts: Type.Optional(Nullable(Type.Array(SortOption, { maxItems: 8 }))),
    sort: Type.Optional(Nullable(SortOption, { description: 'One sort (the other list endpoints\' spelling).' })),
    case_sensitive: Type.Optional(Type.Boolean({ default: false })),
  },
  { $id: 'ListRetrieversRequest', title: 'ListRetrieversRequest', additionalProperties: false },
);

export const PaginationMethod = Type.Union([Type.Literal('offset'), Type.Literal('cursor'), Type.Literal('scroll'), Type.Literal('keyset')], { $id: 'PaginationMethod', title: 'PaginationMethod' });
const methodOf = (m: string) => Type.Optional(Type.Literal(m, { default: m }));
export const OffsetPaginationParams = Type.Object(
  { method: methodOf('offset'), page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 10 })), page_number: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })) },
  { $id: 'OffsetPaginationParams', title: 'OffsetPaginationParams', additionalProperties: false },
);
export const CursorPaginationParams = Type.Object(
  { method: methodOf('cursor'), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 10 })), cursor: Type.Optional(Nullable(Type.String({ maxLength: 4096 }))) },
  { $id: 'CursorPaginationParams', title: 'CursorPaginationParams', additionalProperties: false },
);
export const ScrollPaginationParams = Type.Object(
  {
    method: methodOf('scroll'),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    scroll_id: Type.Optional(Nullable(Type.String({ maxLength: 4096 }))),
    scroll_ttl: Type.Optional(Type.Integer({ minimum: 60, maximum: 3600, default: 300 })),
  },
  { $id: 'ScrollPaginationParams', title: 'ScrollPaginationParams', additionalProperties: false },
);
export const KeysetPaginationParams = Type.Object(
  { method: methodOf('keyset'), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 10 })), after: Type.Optional(Nullable(BoundedFreeObject())) },
  { $id: 'KeysetPaginationParams', title: 'KeysetPaginationParams', additionalProperties: false },
);
const PaginationParams = Nullable(
  Type.Union([Type.Ref(OffsetPaginationParams), Type.Ref(CursorPaginationParams), Type.Ref(ScrollPaginationParams), Type.Ref(KeysetPaginationParams)]),
  { title: 'Pagination', description: 'Applied after the final stage. Default: cursor, 20 per page.' },
);
/** Inputs may carry media (base64 images): bounded as the executor bounds them (input-schema.ts), not as metadata. */
const Inputs = Type.Object(
  {},
  {
    additionalProperties: true,
    [MAX_DEPTH_KEYWORD]: MAX_JSON_DEPTH,
    [MAX_BYTES_KEYWORD]: MAX_INPUTS_BYTES,
    title: 'Inputs',
    description: 'Values for the retriever\'s input_schema (422 naming each bad or missing one).',
  },
);
const Stream = Type.Optional(Type.Boolean({ default: false, description: 'true: text/event-stream, one `data: {json}` frame per event, then `data: [DONE]`.' }));

export const ExecuteRetrieverRequest = Type.Object(
  {
    inputs: Type.Optional(Inputs),
    pagination: Type.Optional(PaginationParams),
    stream: Stream,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'The docs\' page size, when pagination is absent.' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'The docs\' offset (a multiple of limit), when pagination is absent.' })),
  },
  { $id: 'ExecuteRetrieverRequest', title: 'ExecuteRetrieverRequest', additionalProperties: false },
);
export type ExecuteRetrieverBody = Static<typeof ExecuteRetrieverRequest>;

export const AdhocExecuteRequest = Type.Object(
  {
    collection_identifiers: Type.Optional(Identifiers('Collection Identifiers', 'Collections of the namespace (ids or names).')),
    collection_ids: Type.Optional(Identifiers('Collection Ids', 'The docs\' spelling of collection_identifiers.')),
    input_schema: InputSchema,
    stages: Type.Array(Type.Ref(StageConfig), { minItems: 1, maxItems: 32 }),
    inputs: Inputs,
    budget_limits: Type.Optional(Nullable(Type.Ref(BudgetLimits))),
    pagination: Type.Optional(PaginationParams),
    stream: Stream,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  { $id: 'AdhocExecuteRequest', title: 'AdhocExecuteRequest', additionalProperties: false, description: 'A pipeline run once: nothing is stored but the execution.' },
);
export type AdhocExecuteBody = Static<typeof AdhocExecuteRequest>;

export const ListExecutionsRequest = Type.Object(
  {
    filters: Type.Optional(Nullable(BoundedFreeObject({ description: 'Not supported beyond status: a non-empty object is a 400.' }))),
    sorts: Type.Optional(Nullable(Type.Array(BoundedFreeObject(), { maxItems: 8, description: 'Newest first only: a non-empty list is a 400.' }))),
    status: Type.Optional(Nullable(Type.String({ maxLength: 32, description: 'completed or failed' }))),
  },
  { $id: 'ListExecutionsRequest', title: 'ListExecutionsRequest', additionalProperties: false },
);

export const ListAdhocExecutionsRequest = Type.Object(
  {
    status: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
    start_time: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    end_time: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  },
  { $id: 'ListAdhocExecutionsRequest', title: 'ListAdhocExecutionsRequest', additionalProperties: false },
);

/** Paging of the executions lists: newest first, offset paging. */
export const ExecutionsPagingQuery = QueryObject({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 20, title: 'Limit' }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, title: 'Offset' }),
  cursor: Type.Optional(Nullable(Type.String({ maxLength: 512 }), { title: 'Cursor', description: 'Accepted for compatibility; offset paging is used.' })),
  include_total: Type.Boolean({ default: false, title: 'Include Total' }),
});

export const ExecuteQuery = QueryObject({
  return_presigned_urls: Type.Boolean({ default: false, title: 'Return Presigned Urls', description: 'Accepted; documents carry no blob URLs yet.' }),
  return_vectors: Type.Boolean({ default: false, title: 'Return Vectors', description: 'Include each document\'s vectors, by vector index name.' }),
});

export const StagesQuery = QueryObject({
  category: Type.Optional(Type.String({ maxLength: 32, title: 'Category', description: 'Only the stages of this category (filter, sort, reduce, apply, enrich).' })),
});

export const RetrieverIdParams = Type.Object({ retriever_id: Type.String({ minLength: 1, maxLength: 255, title: 'Retriever Id', description: 'Retriever id (ret_…) or name; X-Namespace is required.' }) });
export const ExecutionIdParams = Type.Object({ execution_id: Type.String({ minLength: 1, maxLength: 255, title: 'Execution Id' }) });
export const RetrieverExecutionParams = Type.Object({ ...RetrieverIdParams.properties, ...ExecutionIdParams.properties });

// Responses.

export const RetrieverInputSchemaFieldOutput = Type.Object(
  {
    type: Type.String(),
    default: Type.Optional(Type.Unknown()),
    examples: Type.Optional(Nullable(Type.Array(Type.Unknown()))),
    description: Type.Optional(Nullable(Type.String())),
    required: Type.Boolean({ default: false }),
  },
  { $id: 'RetrieverInputSchemaField-Output', title: 'RetrieverInputSchemaField' },
);

export const FeatureAddress = Type.Object(
  { scheme: Type.String({ default: 'mixpeek' }), extractor: Type.String(), version: Type.String(), output: Nullable(Type.String()) },
  { $id: 'FeatureAddress', title: 'FeatureAddress', description: 'mixpeek://{extractor}@{version}/{output}' },
);

const StageConfigOutput = Type.Object(
  {
    stage_name: Type.String(),
    stage_type: Type.Ref(StageType),
    config: Type.Object({ stage_id: Type.String(), parameters: FreeObject() }, { additionalProperties: true }),
    batch_size: Type.Optional(Nullable(Type.String())),
    description: Type.Optional(Nullable(Type.String())),
  },
  { title: 'StageConfig' },
);

const retrieverFields = {
  retriever_id: Type.String(),
  retriever_name: Type.String(),
  description: Nullable(Type.String()),
  collection_ids: Type.Array(Type.String()),
  stages: Type.Array(StageConfigOutput),
  input_schema: Type.Record(Type.String(), Type.Ref(RetrieverInputSchemaFieldOutput)),
  budget_limits: Type.Ref(BudgetLimits),
  feature_dependencies: Nullable(Type.Array(Type.Ref(FeatureAddress))),
  tags: Type.Array(Type.String()),
  display_config: Nullable(FreeObject()),
  version: Type.Integer({ minimum: 1, default: 1 }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  created_by: Nullable(Type.String()),
  updated_by: Nullable(Type.String()),
};

export const RetrieverConfig = Type.Object(retrieverFields, { $id: 'RetrieverConfig', title: 'RetrieverConfig', description: 'A retriever, stages in the spec form.' });
export type RetrieverConfigBody = Static<typeof RetrieverConfig>;

export const RetrieverModelOutput = Type.Object(
  { ...retrieverFields, is_published: Type.Boolean({ default: false }) },
  { $id: 'RetrieverModel-Output', title: 'RetrieverModel' },
);

export const CreateRetrieverResponse = Type.Object(
  { retriever: Type.Ref(RetrieverConfig), retriever_id: Type.String({ description: 'The new retriever\'s id (also retriever.retriever_id).' }) },
  { $id: 'CreateRetrieverResponse', title: 'CreateRetrieverResponse' },
);
export const PatchRetrieverResponse = Type.Object({ retriever: Type.Ref(RetrieverConfig) }, { $id: 'PatchRetrieverResponse', title: 'PatchRetrieverResponse' });
export const CloneRetrieverResponse = Type.Object(
  { retriever: Type.Ref(RetrieverConfig), source_retriever_id: Type.String() },
  { $id: 'CloneRetrieverResponse', title: 'CloneRetrieverResponse' },
);
export const DeleteRetrieverResponse = Type.Object(
  { success: Type.Boolean(), retriever_id: Type.String(), retriever_name: Type.String(), message: Type.String() },
  { $id: 'DeleteRetrieverResponse', title: 'DeleteRetrieverResponse' },
);
export const ListRetrieversResponse = Type.Object(
  { results: Type.Array(Type.Ref(RetrieverModelOutput)), total: Type.Integer({ default: 0 }), pagination: Type.Ref(PaginationResponse) },
  { $id: 'ListRetrieversResponse', title: 'ListRetrieversResponse' },
);

export const RetrieverStageDefinition = Type.Object(
  { stage_id: Type.String(), description: Type.String(), category: Type.Ref(StageType), icon: Type.String(), parameter_schema: Nullable(FreeObject()), aliases: Type.Array(Type.String()) },
  { $id: 'RetrieverStageDefinition', title: 'RetrieverStageDefinition' },
);

export const StageStatistics = Type.Object(
  {
    input_count: Type.Integer({ minimum: 0 }),
    output_count: Type.Integer({ minimum: 0 }),
    duration_ms: Type.Number({ minimum: 0 }),
    efficiency: Type.Number({ minimum: 0 }),
    cache_hit: Nullable(Type.Boolean()),
    error: Nullable(Type.String()),
    llm_calls: Nullable(Type.Integer({ minimum: 0 })),
    tokens_used: Nullable(Type.Integer({ minimum: 0 })),
    metadata: FreeObject(),
  },
  { $id: 'StageStatistics', title: 'StageStatistics' },
);

export const RetrieverExecutionStatistics = Type.Object(
  { stages: Type.Record(Type.String(), Type.Ref(StageStatistics)), total_time_ms: Type.Number({ minimum: 0 }), credits_used: Type.Number({ minimum: 0 }) },
  { $id: 'RetrieverExecutionStatistics', title: 'RetrieverExecutionStatistics' },
);

const Budget = Type.Object(
  { credits_used: Type.Number(), credits_remaining: Nullable(Type.Number()), time_used_ms: Type.Number() },
  { title: 'Budget', additionalProperties: true, description: 'credits_remaining: the organization\'s balance after this execution (null when credits are off).' },
);

export const ExecutionDetail = Type.Object(
  {
    execution_id: Type.String(),
    status: Type.String({ description: 'completed or failed' }),
    documents: Type.Array(FreeObject(), { description: '{document_id, collection_id, score, …the document\'s fields}. Empty in the executions history (results are not stored).' }),
    results: Type.Array(FreeObject(), { description: 'The same list as documents (Mixpeek\'s client libraries read `results`).' }),
    pagination: FreeObject({ description: 'offset {total, limit, offset, has_next, has_previous}; cursor {cursor, has_next, page_size}; keyset {next_cursor, has_next}.' }),
    stage_statistics: Type.Ref(RetrieverExecutionStatistics),
    budget: Budget,
    error: Nullable(Type.String()),
    optimization_applied: Type.Boolean({ default: false }),
    optimization_summary: Nullable(FreeObject()),
    created_at: Type.String({ format: 'date-time' }),
    completed_at: Nullable(Type.String({ format: 'date-time' })),
    current_stage: Nullable(Type.String()),
    stages_completed: Type.Integer({ minimum: 0 }),
    total_stages: Type.Integer({ minimum: 0 }),
    retriever_id: Nullable(Type.String()),
    execution_metadata: FreeObject({ description: '{execution_mode: "saved" | "adhoc", retriever_persisted}' }),
    inputs: Type.Optional(FreeObject()),
    inputs_hash: Type.Optional(Type.String()),
  },
  { $id: 'ExecutionDetail', title: 'ExecutionDetail' },
);

export const PaginationMetadata = Type.Object(
  { total: Type.Integer({ minimum: 0 }), limit: Type.Integer({ minimum: 0 }), offset: Type.Integer({ minimum: 0 }), has_next: Type.Boolean() },
  { $id: 'PaginationMetadata', title: 'PaginationMetadata' },
);

const summaryFields = {
  execution_id: Type.String(),
  status: Type.String(),
  duration_ms: Type.Number({ minimum: 0 }),
  credits_used: Type.Number({ minimum: 0 }),
  total_processed: Type.Integer({ minimum: 0 }),
  total_returned: Type.Integer({ minimum: 0 }),
  cache_hit_rate: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  query_summary: Nullable(Type.String()),
};

export const RetrieverExecutionSummary = Type.Object(
  { ...summaryFields, created_at: Type.String({ format: 'date-time' }), completed_at: Nullable(Type.String({ format: 'date-time' })), inputs_hash: Nullable(Type.String()) },
  { $id: 'RetrieverExecutionSummary', title: 'RetrieverExecutionSummary' },
);

export const ListExecutionsResponse = Type.Object(
  { results: Type.Array(Type.Ref(RetrieverExecutionSummary)), pagination: Type.Ref(PaginationMetadata) },
  { $id: 'ListExecutionsResponse', title: 'ListExecutionsResponse' },
);

const adhocFields = {
  ...summaryFields,
  execution_mode: Type.String({ default: 'adhoc' }),
  timestamp: Type.String({ format: 'date-time' }),
  stages_completed: Type.Integer({ minimum: 0 }),
  total_stages: Type.Integer({ minimum: 0 }),
  collection_ids: Type.Array(Type.String()),
};

export const AdhocExecutionSummary = Type.Object(adhocFields, { $id: 'AdhocExecutionSummary', title: 'AdhocExecutionSummary' });

export const AdhocExecutionDetail = Type.Object(
  { ...adhocFields, inputs: Nullable(Type.String({ description: 'The inputs as JSON text.' })), inputs_hash: Nullable(Type.String()), stage_statistics: Type.Ref(RetrieverExecutionStatistics), error: Nullable(Type.String()) },
  { $id: 'AdhocExecutionDetail', title: 'AdhocExecutionDetail' },
);

export const ListAdhocExecutionsResponse = Type.Object(
  { results: Type.Array(Type.Ref(AdhocExecutionSummary)), total: Type.Integer({ default: 0 }), pagination: Type.Ref(PaginationMetadata) },
  { $id: 'ListAdhocExecutionsResponse', title: 'ListAdhocExecutionsResponse' },
);

export const RETRIEVER_SCHEMAS = [
  StageType, StageConfig, BudgetLimits, RetrieverInputSchemaFieldInput, CreateRetrieverRequest, PatchRetrieverRequest, CloneRetrieverRequest, ListRetrieversRequest,
  PaginationMethod, OffsetPaginationParams, CursorPaginationParams, ScrollPaginationParams, KeysetPaginationParams, ExecuteRetrieverRequest, AdhocExecuteRequest,
  ListExecutionsRequest, ListAdhocExecutionsRequest, RetrieverInputSchemaFieldOutput, FeatureAddress, RetrieverConfig, RetrieverModelOutput, CreateRetrieverResponse,
  PatchRetrieverResponse, CloneRetrieverResponse, DeleteRetrieverResponse, ListRetrieversResponse, RetrieverStageDefinition, StageStatistics, RetrieverExecutionStatistics,
  ExecutionDetail, PaginationMetadata, RetrieverExecutionSummary, ListExecutionsResponse, AdhocExecutionSummary, AdhocExecutionDetail, ListAdhocExecutionsResponse,
];

// Retrievers, their stages and executions as Mixpeek's RetrieverConfig, RetrieverStageDefinition,
// ExecutionDetail and the execution summaries.
import type { Static } from '@sinclair/typebox';
import type { ExecutionEvent, ExecutionResult } from '../../engine/retrievers/execution.ts';
import type { ExecutionDocument, StageDefinition } from '../../engine/retrievers/stages/stage-definition.ts';
import type { Retriever, RetrieverExecution, StageStatistics } from '../../engine/retrievers/types.ts';
import type {
  AdhocExecutionDetail,
  AdhocExecutionSummary,
  ExecutionDetail,
  RetrieverConfigBody,
  RetrieverExecutionSummary,
  RetrieverModelOutput,
  RetrieverStageDefinition,
  StageStatistics as StageStatisticsSchema,
} from '../schemas/retrievers.ts';

export function toRetrieverConfig(r: Retriever): RetrieverConfigBody {
  return {
    retriever_id: r.retrieverId,
    retriever_name: r.retrieverName,
    description: r.description,
    collection_ids: r.collectionIds,
    stages: r.stages.map((s) => ({
      stage_name: s.stage_name,
      stage_type: s.stage_type,
      config: { stage_id: s.config.stage_id, parameters: s.config.parameters },
      batch_size: s.batch_size ?? null,
      description: s.description ?? null,
    })),
    input_schema: Object.fromEntries(
      Object.entries(r.inputSchema).map(([name, f]) => [
        name,
        { type: f.type, required: f.required, description: f.description ?? null, ...(f.default !== undefined ? { default: f.default } : {}), ...(f.examples ? { examples: f.examples } : {}) },
      ]),
    ),
    budget_limits: r.budgetLimits,
    feature_dependencies: r.featureDependencies.map((a) => ({ scheme: a.scheme, extractor: a.extractor, version: a.version, output: a.output === '' ? null : a.output })),
    tags: r.tags,
    display_config: r.displayConfig,
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    created_by: r.createdBy,
    updated_by: r.updatedBy,
  };
}

export function toRetrieverModel(r: Retriever): Static<typeof RetrieverModelOutput> {
  return { ...toRetrieverConfig(r), is_published: false };
}

export function toStageDefinition(s: StageDefinition): Static<typeof RetrieverStageDefinition> {
  return { stage_id: s.stageId, description: s.description, category: s.category, icon: s.icon, parameter_schema: s.parameterSchema, aliases: [...(s.aliases ?? [])] };
}

/** `{document_id, collection_id, score, …fields}`; vectors (return_vectors) by vector index name. */
export function toExecutionDocument(d: ExecutionDocument): Record<string, unknown> {
  const { document_id: _id, collection_id: _collection, score: _score, ...fields } = d.fields;
  const vectors = d.vectors ? Object.fromEntries(Object.entries(d.vectors).map(([name, v]) => [name, Array.from(v)])) : {};
  return { document_id: d.documentId, collection_id: d.collectionId, score: d.score, ...fields, ...vectors };
}

function statistics(stages: Record<string, StageStatistics>): Record<string, Static<typeof StageStatisticsSchema>> {
  return Object.fromEntries(
    Object.entries(stages).map(([name, s]) => [
      name,
      {
        input_count: s.input_count,
        output_count: s.output_count,
        duration_ms: s.duration_ms,
        efficiency: s.efficiency,
        cache_hit: s.cache_hit,
        error: s.error,
        llm_calls: null,
        tokens_used: null,
        metadata: s.metadata,
      },
    ]),
  );
}

function executionMetadata(e: RetrieverExecution): Record<string, unknown> {
  return e.retrieverId === null ? { execution_mode: 'adhoc', retriever_persisted: false } : { execution_mode: 'saved', retriever_persisted: true };
}

/** The answer of an execute (SPEC §15.2 / §24 item 13). */
export function toExecutionResponse(result: ExecutionResult): Static<typeof ExecutionDetail> {
  const e = result.execution;
  const documents = result.documents.map(toExecutionDocument);
  return {
    execution_id: e.executionId,
    status: e.status,
    documents,
    results: documents,
    pagination: result.pagination,
    stage_statistics: { stages: statistics(e.stageStatistics), total_time_ms: e.totalTimeMs, credits_used: e.creditsUsed },
    budget: { credits_used: result.budget.credits_used, credits_remaining: result.budget.credits_remaining, time_used_ms: result.budget.time_used_ms },
    error: e.error,
    optimization_applied: false,
    optimization_summary: null,
    created_at: e.createdAt,
    completed_at: e.completedAt,
    current_stage: lastStage(e),
    stages_completed: e.stagesCompleted,
    total_stages: e.totalStages,
    retriever_id: e.retrieverId,
    execution_metadata: executionMetadata(e),
  };
}

/** A stored execution (GET …/executions/{id}): the record; its documents are not kept. */
export function toStoredExecutionDetail(e: RetrieverExecution): Static<typeof ExecutionDetail> {
  return {
    execution_id: e.executionId,
    status: e.status,
    documents: [],
    results: [],
    pagination: {},
    stage_statistics: { stages: statistics(e.stageStatistics), total_time_ms: e.totalTimeMs, credits_used: e.creditsUsed },
    budget: { credits_used: e.creditsUsed, credits_remaining: null, time_used_ms: e.totalTimeMs },
    error: e.error,
    optimization_applied: false,
    optimization_summary: null,
    created_at: e.createdAt,
    completed_at: e.completedAt,
    current_stage: lastStage(e),
    stages_completed: e.stagesCompleted,
    total_stages: e.totalStages,
    retriever_id: e.retrieverId,
    execution_metadata: executionMetadata(e),
    inputs: e.inputs,
    inputs_hash: e.inputsHash,
  };
}

/** The stage that ran last (the failing one when the execution failed). */
function lastStage(e: RetrieverExecution): string | null {
  const names = Object.keys(e.stageStatistics);
  return names.length === 0 ? null : names[Math.min(e.stagesCompleted, names.length) - 1] ?? names[0]!;
}

export function toExecutionSummary(e: RetrieverExecution): Static<typeof RetrieverExecutionSummary> {
  return {
    execution_id: e.executionId,
    status: e.status,
    created_at: e.createdAt,
    completed_at: e.completedAt,
    duration_ms: e.totalTimeMs,
    credits_used: e.creditsUsed,
    total_processed: e.totalProcessed,
    total_returned: e.totalReturned,
    cache_hit_rate: 0,
    inputs_hash: e.inputsHash,
    query_summary: e.querySummary,
  };
}

export function toAdhocSummary(e: RetrieverExecution): Static<typeof AdhocExecutionSummary> {
  return {
    execution_id: e.executionId,
    execution_mode: 'adhoc',
    status: e.status,
    timestamp: e.createdAt,
    duration_ms: e.totalTimeMs,
    credits_used: e.creditsUsed,
    total_processed: e.totalProcessed,
    total_returned: e.totalReturned,
    cache_hit_rate: 0,
    query_summary: e.querySummary,
    stages_completed: e.stagesCompleted,
    total_stages: e.totalStages,
    collection_ids: e.collectionIds,
  };
}

export function toAdhocDetail(e: RetrieverExecution): Static<typeof AdhocExecutionDetail> {
  return {
    ...toAdhocSummary(e),
    inputs: JSON.stringify(e.inputs),
    inputs_hash: e.inputsHash,
    stage_statistics: { stages: statistics(e.stageStatistics), total_time_ms: e.totalTimeMs, credits_used: e.creditsUsed },
    error: e.error,
  };
}

/** One streamed event as the client reads it: documents presented, execution_complete the whole ExecutionDetail. */
export function toStreamEvent(event: ExecutionEvent): Record<string, unknown> {
  switch (event.event_type) {
    case 'stage_complete':
      return { ...event, documents: event.documents.map(toExecutionDocument) };
    case 'execution_complete':
      return { event_type: event.event_type, ...toExecutionResponse(event.result) };
    default:
      return { ...event };
  }
}

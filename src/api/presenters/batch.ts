// Batches as Mixpeek's BatchModel: the coordinator's tier state with the chunks' counters summed
// per tier (TierTaskInfo) and per extractor (ExtractorJobInfo); failed items as FailedDocument.
import type { FailedDocumentsPage, RetryReport } from '../../engine/batches/batch-service.ts';
import type { BatchErrorDetail, BatchTier, BatchView, CollectionProgress } from '../../engine/batches/types.ts';
import type { BatchModelBody } from '../schemas/batches.ts';

/** Error details one tier shows at most (each one groups many items). */
const MAX_TIER_ERRORS = 50;

function durationMs(start: string | null, end: string | null): number | null {
  return start && end ? Math.max(0, Date.parse(end) - Date.parse(start)) : null;
}

function summary(errors: readonly BatchErrorDetail[]): Record<string, number> | null {
  if (errors.length === 0) return null;
  const out: Record<string, number> = {};
  for (const e of errors) out[e.error_type] = (out[e.error_type] ?? 0) + e.affected_count;
  return out;
}

function sum(rows: readonly CollectionProgress[], pick: (r: CollectionProgress) => number): number {
  return rows.reduce((n, r) => n + pick(r), 0);
}

function tierTask(view: BatchView, tier: BatchTier) {
  const rows = view.progress.filter((r) => r.tierNum === tier.tierNum);
  const errors = rows.flatMap((r) => r.errors).slice(0, MAX_TIER_ERRORS);
  const byExtractor = new Map<string, string[]>();
  for (const id of tier.collectionIds) {
    const type = view.extractorTypes[id] ?? 'unknown';
    byExtractor.set(type, [...(byExtractor.get(type) ?? []), id]);
  }
  const started = rows.length > 0 ? (tier.startedAt ?? null) : tier.startedAt;
  return {
    tier_num: tier.tierNum,
    task_id: tier.taskId,
    status: tier.status,
    collection_ids: tier.collectionIds,
    extractor_jobs: [...byExtractor.entries()].map(([type, ids]) => {
      const mine = rows.filter((r) => ids.includes(r.collectionId));
      const jobErrors = mine.flatMap((r) => r.errors).slice(0, MAX_TIER_ERRORS);
      const open = sum(mine, (r) => r.openChunks);
      const failedChunks = sum(mine, (r) => r.failedChunks);
      const chunks = sum(mine, (r) => r.chunks);
      const status = mine.length === 0 ? tier.status : open > 0 ? 'IN_PROGRESS' : chunks > 0 && failedChunks === chunks ? 'FAILED' : sum(mine, (r) => r.counters.failedCount) > 0 ? 'COMPLETED_WITH_ERRORS' : tier.status === 'CANCELED' ? 'CANCELED' : 'COMPLETED';
      const startedAt = mine.map((r) => r.startedAt).filter((s): s is string => s !== null).sort()[0] ?? null;
      const completedAt = open > 0 ? null : (mine.map((r) => r.completedAt).filter((s): s is string => s !== null).sort().at(-1) ?? null);
      return {
        extractor_type: type,
        collection_ids: ids,
        ray_job_id: null,
        celery_task_id: null,
        status,
        started_at: startedAt,
        completed_at: completedAt,
        duration_ms: durationMs(startedAt, completedAt),
        documents_written: sum(mine, (r) => r.counters.documentsWritten),
        errors: jobErrors,
        error: status === 'FAILED' ? (jobErrors[0]?.message ?? null) : null,
      };
    }),
    source_type: tier.sourceType,
    source_collection_ids: tier.sourceCollectionIds,
    parent_task_id: view.taskId,
    started_at: started,
    completed_at: tier.completedAt,
    duration_ms: durationMs(tier.startedAt, tier.completedAt),
    errors,
    error_summary: summary(errors),
    performance: rows.length > 0 ? { chunks: sum(rows, (r) => r.chunks), open_chunks: sum(rows, (r) => r.openChunks), credits_spent: sum(rows, (r) => r.creditsMillis) / 1000 } : null,
    ray_job_id: null,
    celery_task_id: null,
    source_documents_fetched: rows.length > 0 ? sum(rows, (r) => r.counters.sourceDocumentsFetched) : null,
    documents_after_source_filter: rows.length > 0 ? sum(rows, (r) => r.counters.documentsAfterSourceFilter) : null,
    documents_missing_input_fields: rows.length > 0 ? sum(rows, (r) => r.counters.documentsMissingInputFields) : null,
    documents_submitted_to_engine: rows.length > 0 ? sum(rows, (r) => r.counters.documentsSubmittedToEngine) : null,
    documents_written: rows.length > 0 ? sum(rows, (r) => r.counters.documentsWritten) : null,
  };
}

export function toBatchModel(view: BatchView): BatchModelBody {
  const tierTasks = view.tiers.map((t) => tierTask(view, t));
  const allErrors = tierTasks.flatMap((t) => t.errors);
  return {
    batch_id: view.batchId,
    bucket_id: view.bucketId,
    batch_name: view.batchName,
    status: view.status,
    object_ids: view.objectIds,
    collection_ids: view.collectionIds,
    error: view.error,
    error_summary: summary(allErrors),
    type: 'BUCKET',
    manifest_key: null,
    task_id: view.taskId,
    loaded_object_ids: null,
    internal_metadata: view.submittedAt ? { submitted_at: view.submittedAt, completed_at: view.completedAt, chunk_size: view.chunkSize, retry_generation: view.generation } : null,
    metadata: view.metadata,
    tier_tasks: tierTasks,
    current_tier: view.currentTier,
    total_tiers: Math.max(1, view.tiers.length > 0 ? view.tiers.length : view.dagTiers.length),
    dag_tiers: view.dagTiers,
    created_at: view.createdAt,
    updated_at: view.updatedAt,
  };
}

export function toRetryResponse(r: RetryReport, retryMode: string) {
  return {
    batch_id: r.batchId,
    status: r.status,
    task_id: r.taskId,
    retry_mode: retryMode,
    retried_count: r.retriedCount,
    retried_object_count: r.retriedObjectCount,
    tier_nums: r.tierNums,
    message: r.message,
  };
}

export function toFailedDocuments(page: FailedDocumentsPage) {
  return {
    batch_id: page.batchId,
    results: page.failures.map((f) => ({
      source_id: f.sourceId,
      document_id: f.sourceId.startsWith('doc_') ? f.sourceId : null,
      object_id: f.rootObjectId,
      tier_num: f.tierNum,
      collection_id: f.collectionId,
      error_type: f.errorType,
      error_message: f.message,
      stage: f.stage,
      retry_count: f.retryCount,
      status: f.status,
      failed_at: f.updatedAt,
    })),
    total: page.total,
    limit: page.limit,
    offset: page.offset,
  };
}

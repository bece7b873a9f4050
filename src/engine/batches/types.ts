// Batches as the engine knows them (SPEC §10). A batch groups objects of one bucket; submitting it
// runs every collection of the bucket's DAG over them, tier by tier, in chunks on the job queue.
// Presenters turn a BatchView into Mixpeek's BatchModel.
import type { TaskStatus } from '../tasks/types.ts';

/** DRAFT → PENDING (submitted) → IN_PROGRESS → COMPLETED | COMPLETED_WITH_ERRORS | FAILED | CANCELED. */
export type BatchStatus = Extract<TaskStatus, 'DRAFT' | 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED' | 'CANCELED'>;

export const TERMINAL_BATCH_STATUSES: ReadonlySet<BatchStatus> = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED']);
export const ACTIVE_BATCH_STATUSES: readonly BatchStatus[] = ['PENDING', 'IN_PROGRESS'];

/** Mixpeek's ErrorCategory. network and resource failures are "transient" (retry_mode transient_only). */
export type ErrorCategory = 'dependency' | 'authentication' | 'validation' | 'runtime' | 'network' | 'resource';
export const TRANSIENT_CATEGORIES: readonly ErrorCategory[] = ['network', 'resource'];

/** Mixpeek's BatchErrorDetail. */
export interface BatchErrorDetail {
  error_type: ErrorCategory;
  message: string;
  component: string | null;
  stage: string | null;
  timestamp: string;
  affected_document_ids: string[];
  affected_count: number;
  recovery_suggestion: string | null;
  metadata: Record<string, unknown>;
}

/** One tier of the DAG as the batch records it (the coordinator's state; counters come from chunks). */
export interface BatchTier {
  tierNum: number;
  /** The tier's task (api_buckets_batches_process), created when the tier starts. */
  taskId: string | null;
  status: TaskStatus;
  collectionIds: string[];
  sourceType: 'bucket' | 'collection';
  sourceCollectionIds: string[] | null;
  /** Chunks of the tier's current run (progress); 0 until it starts. */
  chunkCount: number;
  startedAt: string | null;
  completedAt: string | null;
}

export interface Batch {
  batchId: string;
  organizationInternalId: string;
  namespaceId: string;
  bucketId: string;
  batchName: string | null;
  status: BatchStatus;
  /** What creation asked for (null = every collection of the bucket's DAG). */
  requestedCollectionIds: string[] | null;
  /** Every collection of the run, all tiers (resolved at creation, again at submit). */
  collectionIds: string[];
  dagTiers: string[][];
  tiers: BatchTier[];
  currentTier: number | null;
  objectCount: number;
  /** The batch's task (api_buckets_batches_submit), created on submit. */
  taskId: string | null;
  error: string | null;
  metadata: Record<string, unknown>;
  includeProcessingHistory: boolean;
  /** Objects per chunk job, fixed at submit. */
  chunkSize: number;
  /** 0 for the submitted run; each retry adds one. */
  generation: number;
  /** A retry's restriction: only these root objects are processed again (null = all). */
  retryRootObjectIds: string[] | null;
  submittedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ChunkStatus = 'queued' | 'running' | 'completed' | 'failed' | 'canceled';
export const OPEN_CHUNK_STATUSES: readonly ChunkStatus[] = ['queued', 'running'];

/** The funnel counters of a chunk (and, summed, of a tier: TierTaskInfo). */
export interface ChunkCounters {
  sourceDocumentsFetched: number;
  documentsAfterSourceFilter: number;
  documentsMissingInputFields: number;
  documentsSubmittedToEngine: number;
  documentsWritten: number;
  /** Source items that failed (validation, extractor or write errors). */
  failedCount: number;
}

export const ZERO_COUNTERS: ChunkCounters = {
  sourceDocumentsFetched: 0,
  documentsAfterSourceFilter: 0,
  documentsMissingInputFields: 0,
  documentsSubmittedToEngine: 0,
  documentsWritten: 0,
  failedCount: 0,
};

/**
 * One unit of work: the objects at positions [startPosition, endPosition) of the batch, run
 * through one collection of one tier. Its job id is derived from these fields (chunkJobId).
 */
export interface BatchChunk {
  batchId: string;
  tierNum: number;
  collectionId: string;
  chunkIndex: number;
  startPosition: number;
  endPosition: number;
  status: ChunkStatus;
  generation: number;
  /** A retry's restriction within the chunk (null = every object of the range). */
  rootObjectIds: string[] | null;
  counters: ChunkCounters;
  /** Credits this run charged, in thousandths (after refunds). */
  creditsMillis: number;
  errors: BatchErrorDetail[];
  startedAt: string | null;
  completedAt: string | null;
}

/** A source item (object or upstream document) a chunk could not turn into documents. */
export interface BatchFailure {
  batchId: string;
  tierNum: number;
  collectionId: string;
  chunkIndex: number;
  /** obj_… (tier 0) or doc_… (tier ≥ 1). */
  sourceId: string;
  rootObjectId: string;
  errorType: ErrorCategory;
  message: string;
  stage: string | null;
  /** How many retries have already been asked for this item. */
  retryCount: number;
  /** 'failed', or 'retrying' while a retry runs it again. */
  status: 'failed' | 'retrying';
  createdAt: string;
  updatedAt: string;
}

/** A tier's chunks summed per collection (the batch view's extractor_jobs and counters). */
export interface CollectionProgress {
  tierNum: number;
  collectionId: string;
  chunks: number;
  openChunks: number;
  failedChunks: number;
  canceledChunks: number;
  counters: ChunkCounters;
  creditsMillis: number;
  errors: BatchErrorDetail[];
  startedAt: string | null;
  completedAt: string | null;
}

export interface BatchView extends Batch {
  objectIds: string[];
  progress: CollectionProgress[];
  /** Collection id → its extractor's name (a tier's extractor_jobs group by it). */
  extractorTypes: Record<string, string>;
}

/** Batch counts of a bucket (BucketResponse.batch_stats). */
export interface BatchStats {
  total: number;
  active: number;
  completed: number;
  failed: number;
}

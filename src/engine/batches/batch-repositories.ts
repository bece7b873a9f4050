// The batches module's repository port. Every method takes the tenant and filters by the scope's
// organization and namespace. Three stores: batches (with their ordered object list), the chunks a
// submitted batch is cut into, and the source items that failed.
import type { TenantScope } from '../scope/request-scope.ts';
import type { Batch, BatchChunk, BatchFailure, BatchStats, BatchStatus, ChunkCounters, ChunkStatus, CollectionProgress, ErrorCategory, BatchErrorDetail } from './types.ts';

export type BatchChanges = Partial<
  Pick<
    Batch,
    | 'status'
    | 'collectionIds'
    | 'dagTiers'
    | 'tiers'
    | 'currentTier'
    | 'objectCount'
    | 'taskId'
    | 'error'
    | 'metadata'
    | 'includeProcessingHistory'
    | 'chunkSize'
    | 'generation'
    | 'retryRootObjectIds'
    | 'submittedAt'
    | 'completedAt'
  >
>;

export interface BatchListQuery {
  status?: BatchStatus;
  limit: number;
  offset: number;
}

export interface BatchRepository {
  /** The batch and its objects (positions 0..n-1, in the given order). */
  insert(batch: Batch, objectIds: readonly string[]): Promise<void>;
  find(tenant: TenantScope, bucketId: string, batchId: string): Promise<Batch | undefined>;
  /** By id alone (jobs): the batch of the scope's namespace. */
  findById(tenant: TenantScope, batchId: string): Promise<Batch | undefined>;
  /**
   * Takes the batch row's write lock for the rest of the transaction (chunk completions and the
   * coordinator serialise on it) and returns the row as it now is.
   */
  lock(tenant: TenantScope, batchId: string): Promise<Batch | undefined>;
  /** Newest first. */
  list(tenant: TenantScope, bucketId: string, query: BatchListQuery): Promise<{ batches: Batch[]; total: number }>;
  update(tenant: TenantScope, batchId: string, changes: BatchChanges, updatedAt: string): Promise<boolean>;
  /** The batch, its objects, chunks and failures. */
  remove(tenant: TenantScope, batchId: string): Promise<boolean>;
  /** Object ids by position, [from, to) (all when omitted). */
  objectIds(tenant: TenantScope, batchId: string, from?: number, to?: number): Promise<string[]>;
  /** Positions of these objects in the batch (a retry finds their chunks). */
  objectPositions(tenant: TenantScope, batchId: string, objectIds: readonly string[]): Promise<Map<string, number>>;
  /** Appends the ids not already in the batch; returns the ids appended. */
  addObjects(tenant: TenantScope, batchId: string, objectIds: readonly string[]): Promise<string[]>;
  statsByBucket(tenant: TenantScope, bucketIds: readonly string[]): Promise<Map<string, BatchStats>>;
  /** Every batch of the bucket (the bucket cascade); returns how many. */
  removeAllInBucket(tenant: TenantScope, bucketId: string): Promise<number>;
}

export interface ChunkKey {
  batchId: string;
  tierNum: number;
  collectionId: string;
  chunkIndex: number;
}

export interface ChunkResult {
  status: Extract<ChunkStatus, 'completed' | 'failed'>;
  counters: ChunkCounters;
  creditsMillis: number;
  errors: BatchErrorDetail[];
  completedAt: string;
}

export interface BatchChunkRepository {
  /** Inserts the chunks, or resets existing ones (same key) for a new generation. */
  upsertMany(tenant: TenantScope, chunks: readonly BatchChunk[]): Promise<void>;
  find(tenant: TenantScope, key: ChunkKey): Promise<BatchChunk | undefined>;
  /** queued → running for this generation (a rerun after a crash finds it running); false otherwise. */
  start(tenant: TenantScope, key: ChunkKey, generation: number, now: string): Promise<boolean>;
  /** Ends an open chunk of this generation; false when it is no longer open (canceled, already finished). */
  finish(tenant: TenantScope, key: ChunkKey, generation: number, result: ChunkResult): Promise<boolean>;
  countOpen(tenant: TenantScope, batchId: string, tierNum: number): Promise<number>;
  /** Every chunk of the tier (a retry picks some to run again). */
  listInTier(tenant: TenantScope, batchId: string, tierNum: number): Promise<BatchChunk[]>;
  /** Cancels every open chunk of the batch; returns those it canceled. */
  cancelOpen(tenant: TenantScope, batchId: string, now: string): Promise<BatchChunk[]>;
  /** The chunks summed per tier and collection. */
  progress(tenant: TenantScope, batchId: string): Promise<CollectionProgress[]>;
}

export interface FailureListQuery {
  tierNum?: number;
  collectionId?: string;
  limit: number;
  offset: number;
}

export interface RetrySelection {
  tierNums: readonly number[] | null;
  categories: readonly ErrorCategory[] | null;
  /** Items already retried this many times are left out. */
  maxRetryCount: number;
}

export interface BatchFailureRepository {
  /** Records failures (one per batch, tier, collection and source item; a repeat replaces it, keeping its retry count). */
  record(tenant: TenantScope, failures: readonly BatchFailure[]): Promise<void>;
  /** Forgets the failures of these source items (they succeeded on a rerun). */
  clear(tenant: TenantScope, batchId: string, tierNum: number, collectionId: string, sourceIds: readonly string[]): Promise<void>;
  /** The chunk's failures in that state (a retry run reads the ones it runs again). */
  inChunk(tenant: TenantScope, key: ChunkKey, status: 'failed' | 'retrying'): Promise<BatchFailure[]>;
  list(tenant: TenantScope, batchId: string, query: FailureListQuery): Promise<{ failures: BatchFailure[]; total: number }>;
  /** Failures recorded for the batch (failed or being retried). */
  countFailed(tenant: TenantScope, batchId: string): Promise<number>;
  /** Failed items a retry picks: marks them 'retrying', counts the retry, returns them. */
  takeForRetry(tenant: TenantScope, batchId: string, selection: RetrySelection, now: string): Promise<BatchFailure[]>;
  /** Items still marked 'retrying' in these chunks go back to 'failed' (the retry did not reach them). */
  settleRetrying(tenant: TenantScope, batchId: string, now: string): Promise<void>;
}

export interface BatchRepositories {
  batches: BatchRepository;
  batchChunks: BatchChunkRepository;
  batchFailures: BatchFailureRepository;
}

// The batches module's tables (migration 0010).
import type { BigIntColumn, Json, NullableTimestamp, Timestamp } from '../table-columns.ts';

export interface BatchesTable {
  batch_id: string;
  organization_internal_id: string;
  namespace_id: string;
  bucket_id: string;
  batch_name: string | null;
  status: string;
  requested_collection_ids: Json | null;
  collection_ids: Json;
  dag_tiers: Json;
  tiers: Json;
  current_tier: number | null;
  object_count: number;
  task_id: string | null;
  error: string | null;
  metadata: Json;
  include_processing_history: number;
  chunk_size: number;
  generation: number;
  retry_root_object_ids: Json | null;
  submitted_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BatchObjectsTable {
  batch_id: string;
  position: number;
  object_id: string;
  organization_internal_id: string;
  namespace_id: string;
}

export interface BatchChunksTable {
  batch_id: string;
  tier_num: number;
  collection_id: string;
  chunk_index: number;
  organization_internal_id: string;
  namespace_id: string;
  start_position: number;
  end_position: number;
  status: string;
  generation: number;
  root_object_ids: Json | null;
  source_documents_fetched: number;
  documents_after_source_filter: number;
  documents_missing_input_fields: number;
  documents_submitted_to_engine: number;
  documents_written: number;
  failed_count: number;
  credits_millis: BigIntColumn;
  errors: Json;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
}

export interface BatchFailuresTable {
  batch_id: string;
  tier_num: number;
  collection_id: string;
  source_id: string;
  organization_internal_id: string;
  namespace_id: string;
  chunk_index: number;
  root_object_id: string;
  error_type: string;
  message: string;
  stage: string | null;
  retry_count: number;
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BatchTables {
  batches: BatchesTable;
  batch_objects: BatchObjectsTable;
  batch_chunks: BatchChunksTable;
  batch_failures: BatchFailuresTable;
}

// The retrievers module's tables. Migration 0013 creates them.
import type { Json, Timestamp } from '../table-columns.ts';

export interface RetrieversTable {
  retriever_id: string;
  organization_internal_id: string;
  namespace_id: string;
  retriever_name: string;
  description: string | null;
  collection_ids: Json;
  stages: Json;
  /** [name, field] pairs: jsonb does not keep key order, and the order is what clients see. */
  input_schema: Json;
  budget_limits: Json;
  feature_dependencies: Json;
  tags: Json;
  display_config: Json | null;
  /** What list filters read besides the columns (see retriever-list.ts). */
  attributes: Json;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  created_by: string | null;
  updated_by: string | null;
}

export interface RetrieverCollectionsTable {
  retriever_id: string;
  organization_internal_id: string;
  namespace_id: string;
  collection_id: string;
}

export interface RetrieverExecutionsTable {
  execution_id: string;
  organization_internal_id: string;
  namespace_id: string;
  /** NULL for ad-hoc executions. */
  retriever_id: string | null;
  status: string;
  inputs: Json;
  inputs_hash: string;
  /** [stage_name, statistics] pairs, in stage order. */
  stage_statistics: Json;
  total_time_ms: number;
  credits_used: number;
  total_processed: number;
  total_returned: number;
  stages_completed: number;
  total_stages: number;
  collection_ids: Json;
  query_summary: string | null;
  error: string | null;
  created_at: Timestamp;
  completed_at: Timestamp;
}

export interface RetrieverTables {
  retrievers: RetrieversTable;
  retriever_collections: RetrieverCollectionsTable;
  retriever_executions: RetrieverExecutionsTable;
}

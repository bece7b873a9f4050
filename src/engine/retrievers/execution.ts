// What executing a retriever takes and gives (SPEC §15.2), between the API layer and the executor.
import type { ExecutionDocument } from './stages/stage-definition.ts';
import type { BudgetLimits, RetrieverExecution, RetrieverInputField, StageConfig, StageStatistics } from './types.ts';

/** Pagination after the final stage, normalised from the request's `pagination` (or the docs' top-level `limit`). */
export type PaginationRequest =
  | { method: 'cursor'; limit: number; cursor: string | null }
  | { method: 'offset'; pageSize: number; pageNumber: number }
  | { method: 'keyset'; limit: number; after: Record<string, unknown> | null }
  | { method: 'scroll'; limit: number; scrollId: string | null };

export interface ExecutionRequest {
  inputs: Record<string, unknown>;
  pagination: PaginationRequest;
  returnVectors: boolean;
}

/** What is executed: a stored retriever, or an ad-hoc pipeline (POST /v1/retrievers/execute). */
export interface ExecutablePipeline {
  /** null for ad-hoc. */
  retrieverId: string | null;
  collectionIds: string[];
  stages: StageConfig[];
  inputSchema: Record<string, RetrieverInputField>;
  budgetLimits: BudgetLimits;
}

export interface BudgetReport {
  credits_used: number;
  /** null when the organization's balance is not tracked (credits off). */
  credits_remaining: number | null;
  time_used_ms: number;
}

export interface ExecutionResult {
  /** As stored in the executions history. */
  execution: RetrieverExecution;
  /** The requested page of the final stage's output. */
  documents: ExecutionDocument[];
  /** Shape by method (SPEC §15.2): offset {total, limit, offset, has_next, has_previous}; cursor {cursor, has_next, page_size}; keyset {next_cursor, has_next}. */
  pagination: Record<string, unknown>;
  budget: BudgetReport;
}

/** Streaming events (stream: true), in order; every one carries event_type and execution_id. */
export type ExecutionEvent =
  | { event_type: 'stage_start'; execution_id: string; stage_name: string; stage_index: number; total_stages: number }
  | {
      event_type: 'stage_complete';
      execution_id: string;
      stage_name: string;
      stage_index: number;
      total_stages: number;
      documents: ExecutionDocument[];
      statistics: StageStatistics;
      budget_used: { credits_used: number; time_elapsed_ms: number; tokens_used: number };
    }
  | { event_type: 'stage_error'; execution_id: string; stage_name: string; stage_index: number; error: string }
  | { event_type: 'execution_complete'; execution_id: string; result: ExecutionResult }
  | { event_type: 'execution_error'; execution_id: string; error: { type: string; message: string } };

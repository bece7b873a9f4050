// Retrievers as the engine knows them (SPEC §15). Presenters turn them into RetrieverConfig /
// RetrieverModel-Output; requests in any accepted form (SPEC §23.3: flat legacy stages,
// `collection_ids`, `input_schema.properties`) are normalised to these before they are stored.

/** One input of a retriever (RetrieverInputSchemaField): bucket field types plus `document_reference`. */
export interface RetrieverInputField {
  /** text string integer number float boolean image url video audio pdf document_reference object array json date datetime … (see input-schema.ts) */
  type: string;
  description?: string | null;
  required: boolean;
  default?: unknown;
  examples?: unknown[] | null;
}

export type StageCategory = 'filter' | 'sort' | 'reduce' | 'apply' | 'enrich';

/** A stage as stored: the spec's StageConfig, `stage_type` inferred from the catalogue when omitted. */
export interface StageConfig {
  /** Instance label; unique within the retriever (keys stage_statistics). */
  stage_name: string;
  stage_type: StageCategory;
  config: {
    /** A registered stage id (aliases such as `semantic_search` are resolved to `feature_search` when stored). */
    stage_id: string;
    /** The stage's parameters as sent, templates (`{{INPUT.x}}`) unresolved; validated against the stage's schema at creation. */
    parameters: Record<string, unknown>;
  };
  batch_size?: string | null;
  description?: string | null;
}

export interface BudgetLimits {
  max_credits: number | null;
  max_time_ms: number | null;
}

export interface FeatureAddress {
  scheme: 'mixpeek';
  extractor: string;
  version: string;
  output: string;
}

export interface Retriever {
  retrieverId: string;
  organizationInternalId: string;
  namespaceId: string;
  retrieverName: string;
  description: string | null;
  /** Resolved collection ids (names resolved at creation). */
  collectionIds: string[];
  stages: StageConfig[];
  inputSchema: Record<string, RetrieverInputField>;
  budgetLimits: BudgetLimits;
  featureDependencies: FeatureAddress[];
  tags: string[];
  displayConfig: Record<string, unknown> | null;
  /** 1, incremented by each PATCH. */
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  updatedBy: string | null;
}

/** What PATCH may change (SPEC §15.1; stages, inputs, collections and budget are immutable: clone instead). */
export interface RetrieverChanges {
  retrieverName?: string;
  description?: string | null;
  tags?: string[];
  displayConfig?: Record<string, unknown> | null;
}

/** StageStatistics (SPEC §15.2). */
export interface StageStatistics {
  input_count: number;
  output_count: number;
  duration_ms: number;
  /** output/input, 0 when input is 0. */
  efficiency: number;
  cache_hit: boolean;
  error: string | null;
  metadata: Record<string, unknown>;
}

export type ExecutionStatus = 'completed' | 'failed';

/** One execution, as stored for the executions history (SPEC §15.2–15.3). */
export interface RetrieverExecution {
  executionId: string;
  organizationInternalId: string;
  namespaceId: string;
  /** null for ad-hoc executions. */
  retrieverId: string | null;
  status: ExecutionStatus;
  inputs: Record<string, unknown>;
  /** SHA-1 hex of the canonical JSON of inputs. */
  inputsHash: string;
  /** stage_name → statistics, in stage order. */
  stageStatistics: Record<string, StageStatistics>;
  totalTimeMs: number;
  creditsUsed: number;
  /** Documents entering the first stage over all stages (total_processed) and returned (total_returned). */
  totalProcessed: number;
  totalReturned: number;
  stagesCompleted: number;
  totalStages: number;
  collectionIds: string[];
  /** The first text input, shortened, for lists. */
  querySummary: string | null;
  error: string | null;
  createdAt: string;
  completedAt: string;
}

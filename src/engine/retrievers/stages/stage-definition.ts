// The contract every retriever stage implements (SPEC §16). The catalogue
// (stage-registry.ts) is one line per stage; adding a stage is one file plus that line.
//
// Documents flow through the stages in order. A stage receives the previous stage's output (the
// first stage receives none) and returns its own; the executor times it, counts in/out for
// stage_statistics, checks the budget between stages, and pages the last stage's output.
import type { Collection } from '../../collections/types.ts';
import type { RequestScope } from '../../scope/request-scope.ts';
import type { SearchIndex, SearchHit } from '../../ports/search-index.ts';
import type { StageCategory } from '../types.ts';

/** A document in flight through a retriever. */
export interface ExecutionDocument {
  documentId: string;
  collectionId: string;
  /** Relevance so far (feature/text search set it; sort/filter stages keep it; 0 when none). */
  score: number;
  /**
   * The document as a response shows it: user fields at the root plus system fields
   * (documentView), and fields enrich stages add. Filters and sorts read it by dotted path.
   */
  fields: Record<string, unknown>;
  /** Vector index name → vector; only loaded when the request asks for return_vectors or a stage needs them. */
  vectors?: Record<string, Float32Array>;
}

export interface StageContext {
  /** The caller's scope, in the retriever's namespace. */
  scope: RequestScope;
  /** Inputs after input_schema validation (defaults applied). */
  inputs: Record<string, unknown>;
  /** The stage's position in the pipeline (0 = first: filter stages then fetch instead of filtering their input). */
  stageIndex: number;
  stageName: string;
  /** The collections the retriever targets (or the stage's own `collection_identifiers`, resolved by resolveCollections). */
  collections: readonly Collection[];
  /** Resolves a stage's own collection_identifiers (ids or names) in the namespace; unknown → BadRequestError. */
  resolveCollections(identifiers: readonly string[]): Promise<Collection[]>;
  index: SearchIndex;
  /**
   * Embeds a query for a feature URI: finds the vector index carrying that URI in the given
   * collections and embeds the text with the model the namespace locked for it (purpose 'query').
   * Unknown URI in these collections → BadRequestError (the stage fails).
   */
  embedQuery(featureUri: string, text: string, collections: readonly Collection[]): Promise<{ vectorName: string; vector: Float32Array }>;
  /**
   * A stored document's vector for a feature URI, to search for similar documents (a
   * `document_reference` input). Unknown URI → BadRequestError; unknown document → NotFoundError.
   */
  documentVector(featureUri: string, reference: { collection_id: string; document_id: string }, collections: readonly Collection[]): Promise<{ vectorName: string; vector: Float32Array }>;
  /** Loads hits as documents (from the metadata database, so results show committed data), in hit order; missing ones are dropped. */
  loadDocuments(hits: readonly SearchHit[], options?: { withVectors?: boolean }): Promise<ExecutionDocument[]>;
  /** Credits the stage's work costs (knn 0.1 per query, hybrid 0.2: docs/limits-and-credits.md); charged once per execution. */
  spend(credits: number, reason: string): void;
  /** Aborted when the budget's max_time_ms passes or the client goes away. */
  signal: AbortSignal;
}

export interface StageResult {
  documents: ExecutionDocument[];
  /** StageStatistics.metadata (e.g. { searches: 2, fusion: 'rrf' }). */
  metadata?: Record<string, unknown>;
}

export interface StageDefinition {
  stageId: string;
  /** Legacy ids that mean this stage (SPEC §16: `semantic_search`, `knn_search` → feature_search). */
  aliases?: readonly string[];
  category: StageCategory;
  description: string;
  /** A lucide icon name. */
  icon: string;
  /** JSON Schema of `parameters`, as GET /v1/retrievers/stages shows it. */
  parameterSchema: Record<string, unknown>;
  /**
   * Checks parameters at retriever creation (templates unresolved: a `{{INPUT.x}}` string is
   * accepted where a value may come from an input) and returns them normalised, defaults applied.
   * Throws BadRequestError naming the parameter by its path under `at`
   * (e.g. `stages[0].config.parameters.searches[1].top_k`).
   */
  validate(parameters: Record<string, unknown>, at: string): Record<string, unknown>;
  /** Runs with parameters whose templates are resolved against INPUT and CONTEXT. */
  run(input: readonly ExecutionDocument[], parameters: Record<string, unknown>, context: StageContext): Promise<StageResult>;
}

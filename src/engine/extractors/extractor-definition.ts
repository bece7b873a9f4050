// What a feature extractor is (SPEC §14): one module in extractors/<name>/ plus one line in the
// registry (extractor-registry.ts). The catalogue routes, namespace validation, collection creation
// (output_schema, vector_indexes) and batch processing all read this one definition.
import type { InferencePort, TextModelInfo } from '../ports/inference.ts';

/** SPEC §14.1 VectorIndexDefinition, as the catalogue and collections publish it. */
export interface VectorIndexDefinition {
  /** mixpeek://{extractor}@{version}/{output} */
  feature_uri: string;
  /** Short output name, e.g. 'text_extractor_v1_embedding' (the document field and the search index name). */
  name: string;
  description: string;
  type: 'single' | 'multi';
  index: {
    name: string;
    description: string;
    dimensions: number;
    type: 'dense' | 'sparse' | 'multi_dense';
    distance: 'cosine' | 'dot' | 'euclidean' | 'manhattan';
    datatype: 'float32';
    inference_service_id: string | null;
    purpose: 'text' | 'code' | 'image' | 'multimodal' | 'video' | 'audio' | 'sparse';
  };
}

/** The models a namespace fixed for one extractor at creation (stored in the namespace's feature_extractors[].params). */
export interface LockedModels {
  /** Extractor output (e.g. 'embedding') → model name of the inference port. */
  [output: string]: {
    model: string;
    dimensions: number;
    outputName: string;
    /** Where the weights come from ('org/model'), null for the built-in lexical model; absent in older records. */
    inferenceServiceId?: string | null;
  };
}

/** One field of an output schema (bucket-schema-like: { type, description }). */
export type OutputFields = Record<string, { type: string; description?: string }>;

/** One source item given to an extractor: its mapped inputs (input_mappings resolved). */
export interface ExtractionInput {
  /** Input name (e.g. 'text') → value taken from the source object or document. */
  inputs: Record<string, unknown>;
}

/** One document an extractor makes from one input. A chunking extractor makes several. */
export interface ExtractedDocument {
  /** Values of the extractor's position fields (e.g. { chunk_index: 2 }): part of the deterministic document id. */
  position: Record<string, string | number>;
  /** Output fields written at the document root (text, chunk_index, …). */
  fields: Record<string, unknown>;
  /** Vector index name → unit vector. */
  vectors: Record<string, Float32Array>;
}

export interface ExtractionContext {
  inference: InferencePort;
  locked: LockedModels;
  /** The collection's extractor parameters, defaults applied and validated. */
  parameters: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface ExtractorCost {
  tier: 1 | 2 | 3 | 4;
  tier_label: 'SIMPLE' | 'MODERATE' | 'COMPLEX' | 'PREMIUM';
  rates: { unit: 'minute' | 'image' | '1k_tokens' | 'page' | 'face' | 'extraction'; credits_per_unit: number; description: string }[];
}

export interface ExtractorDefinition {
  name: string;
  version: string;
  description: string;
  icon: string;
  /** Input names and the bucket field types each accepts, e.g. { text: ['text', 'string'] }. */
  inputs: Record<string, { types: string[]; required: boolean; description: string }>;
  maxInputs: Record<string, number>;
  /** JSON Schema of `parameters` (validated at collection creation). */
  parameterSchema: Record<string, unknown>;
  defaultParameters: Record<string, unknown>;
  positionFields: string[];
  costs: ExtractorCost;
  /**
   * True for an extractor that locks no models and writes no vectors (passthrough): a collection
   * may use it whether or not its namespace lists it. Absent: false.
   */
  modelFree?: boolean;
  /**
   * Picks the models for a new namespace from what the inference port has now (and the namespace's
   * requested params); throws a BadRequestError naming what is missing. The result is stored in the
   * namespace and never re-picked.
   */
  lockModels(inference: InferencePort, requested: Record<string, unknown> | null): Promise<LockedModels>;
  /** The vector indexes documents of this extractor carry, for the locked models (empty: passthrough). */
  vectorIndexes(locked: LockedModels): VectorIndexDefinition[];
  /** Output fields (besides vectors) given the parameters: known at collection creation. */
  outputFields(parameters: Record<string, unknown>): OutputFields;
  /** Credits for a batch of inputs (charged before, refunded for what was not done). */
  creditsFor(inputs: readonly ExtractionInput[], parameters: Record<string, unknown>): number;
  /**
   * Optional checks across parameters after the schema and defaults (resolveParameters): throws a
   * BadRequestError naming the parameter (`at` is its path prefix in the request).
   */
  checkParameters?(parameters: Record<string, unknown>, at: string): void;
  /** Runs the extractor over a chunk of inputs: one array of documents per input, in order. */
  extract(inputs: readonly ExtractionInput[], context: ExtractionContext): Promise<ExtractedDocument[][]>;
}

export type { TextModelInfo };

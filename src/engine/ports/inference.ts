// The inference port: the only way extractors (and, in issue 10, retrievers) reach a model. Adapters:
// the built-in lexical embedder (adapters/models/lexical-text-embedder.ts, dependency-free, always
// there) and @huggingface/transformers models loaded from TESSERA_MODELS_DIR, run on worker threads.
// Later issues add embedImage, transcribe, … as members here, not new ports.

/** A text model this process can run. */
export interface TextModelInfo {
  /** The name callers pass to embedText, e.g. 'tessera_lexical_v1' or 'multilingual_e5_large_instruct_v1'. */
  name: string;
  /** The feature-URI output segment (SPEC §14): two URIs with the same segment are compatible. */
  outputName: string;
  dimensions: number;
  distance: 'cosine';
  /** 'lexical': hashed n-grams, no model files; 'neural': a real sentence-embedding model. */
  kind: 'lexical' | 'neural';
  /** Where the weights come from ('org/model' on the hub), null for the built-in one. */
  inferenceServiceId: string | null;
  /** The most tokens (neural) or characters (lexical) one input is embedded from; the rest is truncated. */
  maxInputLength: number;
}

export interface EmbedOptions {
  /** E5-style models embed queries and passages differently ('query: ', 'passage: '). Default 'passage'. */
  purpose?: 'query' | 'passage';
  /** Aborts waiting (the job was canceled or lost its lease). */
  signal?: AbortSignal;
}

export interface InferencePort {
  /** The text models available here now (the built-in one always; neural ones whose files are present). */
  textModels(): Promise<TextModelInfo[]>;
  /** One model by name, or null when it is not available in this process. */
  textModel(name: string): Promise<TextModelInfo | null>;
  /**
   * One unit-length vector per text, in order. Throws ModelUnavailableError for a model that is
   * not available. Batched by the caller; adapters may split further.
   */
  embedText(model: string, texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Stops worker threads; safe to call twice. */
  close(): Promise<void>;
}

/** The model a namespace locked is not available in this process (files missing, download not allowed). */
export class ModelUnavailableError extends Error {
  constructor(readonly model: string, reason: string) {
    super(`Model '${model}' is not available: ${reason}`);
    this.name = 'ModelUnavailableError';
  }
}

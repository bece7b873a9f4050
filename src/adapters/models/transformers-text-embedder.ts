// Sentence embeddings with @huggingface/transformers: the feature-extraction pipeline (ONNX Runtime
// on the CPU), mean pooling over the attention mask, L2 normalisation. Models are read from the
// models directory (<dir>/<org>/<model>/config.json, tokenizer.json, tokenizer_config.json,
// onnx/model.onnx); the hub is asked only when downloads are allowed, and what it sends is written
// into the same layout (the file cache is the models directory), so a pulled model loads offline
// next time. This code runs inside the inference worker threads (inference-worker.ts) and in
// `tessera models pull`; the API's event loop never runs a model.
import { env, ModelFileNotFoundError, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import type { NeuralTextModel } from './model-catalogue.ts';

export interface TransformersSettings {
  /** TESSERA_MODELS_DIR */
  modelsDir: string;
  /** TESSERA_ALLOW_MODEL_DOWNLOAD: fetch missing files from the hub into modelsDir. */
  allowDownload: boolean;
  /** ONNX Runtime intra-op threads per model session (0: ONNX Runtime's default, every core). */
  sessionThreads?: number;
}

/** What a worker needs to know to load a model (the catalogue stays on the main thread). */
export type ModelSpec = Pick<NeuralTextModel, 'name' | 'repository' | 'dtype' | 'externalData'>;

/** Progress of a download (transformers' progress_callback events). */
export interface DownloadProgress {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

/** The model's files are not in the models directory and downloads are not allowed (or the hub has no such model). */
export class ModelFilesMissingError extends Error {
  override name = 'ModelFilesMissingError';
}

/** Points transformers at the models directory. Global to the thread (transformers' `env` is). */
export function configureTransformers(settings: TransformersSettings): void {
  env.allowLocalModels = true;
  env.localModelPath = settings.modelsDir;
  env.allowRemoteModels = settings.allowDownload;
  env.useFSCache = true;
  env.cacheDir = settings.modelsDir;
  env.useBrowserCache = false;
}

/** Loads a model's pipeline (downloading its files first when allowed and missing). */
export async function loadPipeline(spec: ModelSpec, settings: TransformersSettings, onProgress?: (p: DownloadProgress) => void): Promise<FeatureExtractionPipeline> {
  configureTransformers(settings);
  try {
    return (await pipeline('feature-extraction', spec.repository, {
      dtype: spec.dtype,
      ...(spec.externalData ? { use_external_data_format: true } : {}),
      local_files_only: !settings.allowDownload,
      ...(settings.sessionThreads ? { session_options: { intraOpNumThreads: settings.sessionThreads } } : {}),
      ...(onProgress ? { progress_callback: (p: DownloadProgress) => onProgress(p) } : {}),
    })) as FeatureExtractionPipeline;
  } catch (err) {
    if (err instanceof ModelFileNotFoundError || (err instanceof Error && /Could not locate file|file was not found locally|Unauthorized access to file/.test(err.message))) {
      throw new ModelFilesMissingError(err.message);
    }
    throw err;
  }
}

/** Embeds texts with one loaded pipeline: a flat row-major buffer of texts.length unit vectors. */
export async function embedWith(extractor: FeatureExtractionPipeline, texts: readonly string[]): Promise<{ dimensions: number; data: Float32Array }> {
  const output = await extractor([...texts], { pooling: 'mean', normalize: true });
  const [rows, dimensions] = output.dims as [number, number];
  if (rows !== texts.length || output.dims.length !== 2) throw new Error(`the model returned a ${output.dims.join('×')} tensor for ${texts.length} texts`);
  const data = output.data instanceof Float32Array ? output.data : Float32Array.from(output.data as ArrayLike<number>);
  return { dimensions, data };
}

/** The models one thread has loaded, each loaded once, on first use; a failed load is retried next time. */
export class TransformersTextEmbedder {
  private readonly loaded = new Map<string, Promise<FeatureExtractionPipeline>>();

  constructor(private readonly settings: TransformersSettings) {}

  private pipelineFor(spec: ModelSpec): Promise<FeatureExtractionPipeline> {
    const key = `${spec.repository}:${spec.dtype}`;
    let loading = this.loaded.get(key);
    if (!loading) {
      loading = loadPipeline(spec, this.settings);
      this.loaded.set(key, loading);
      loading.catch(() => this.loaded.delete(key));
    }
    return loading;
  }

  async embed(spec: ModelSpec, texts: readonly string[]): Promise<{ dimensions: number; data: Float32Array }> {
    return embedWith(await this.pipelineFor(spec), texts);
  }

  async dispose(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => null))?.dispose()));
  }
}

// The inference port for neural text models (transformers, model-catalogue.ts): models whose files
// are in TESSERA_MODELS_DIR (or any catalogue model when downloads are allowed), run in batches on
// the worker threads of inference-pool.ts.
import { ModelUnavailableError, type EmbedOptions, type InferencePort, type TextModelInfo } from '../../engine/ports/inference.ts';
import { InferencePool, type InferencePoolOptions } from './inference-pool.ts';
import { missingFiles, ModelCatalogue, textModelInfo, type NeuralTextModel } from './model-catalogue.ts';

/** Texts per worker task: large inputs are split, and the parts run on every thread at once. */
export const EMBED_BATCH_SIZE = 32;

export interface NeuralInferenceOptions extends InferencePoolOptions {
  /** Models besides the built-in catalogue (tests, deployments with their own ONNX exports). */
  extraModels?: readonly NeuralTextModel[];
}

export class NeuralInference implements InferencePort {
  readonly catalogue: ModelCatalogue;
  readonly pool: InferencePool;

  constructor(private readonly options: NeuralInferenceOptions) {
    this.catalogue = new ModelCatalogue(options.extraModels);
    this.pool = new InferencePool(options);
  }

  /** Why a known model cannot run here, or null when it can. */
  private unavailability(model: NeuralTextModel): string | null {
    if (this.options.allowDownload) return null;
    const missing = missingFiles(this.options.modelsDir, model);
    if (missing.length === 0) return null;
    return `its files are not in the models directory (${this.options.modelsDir}/${model.repository}: missing ${missing.join(', ')}) and TESSERA_ALLOW_MODEL_DOWNLOAD is off; run \`tessera models pull ${model.name}\``;
  }

  async textModels(): Promise<TextModelInfo[]> {
    return this.catalogue.all().filter((m) => this.unavailability(m) === null).map(textModelInfo);
  }

  async textModel(name: string): Promise<TextModelInfo | null> {
    const model = this.catalogue.find(name);
    return model && this.unavailability(model) === null ? textModelInfo(model) : null;
  }

  async embedText(name: string, texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const model = this.catalogue.find(name);
    if (!model) throw new ModelUnavailableError(name, 'no such model in the model catalogue');
    const reason = this.unavailability(model);
    if (reason) throw new ModelUnavailableError(name, reason);
    options.signal?.throwIfAborted();
    if (texts.length === 0) return [];
    const prefix = model.prefixes[options.purpose ?? 'passage'];
    const spec = { name: model.name, repository: model.repository, dtype: model.dtype, externalData: model.externalData };
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH_SIZE) batches.push(texts.slice(i, i + EMBED_BATCH_SIZE).map((t) => prefix + t));
    const results = await Promise.all(
      batches.map(async (batch) => {
        let result;
        try {
          result = await this.pool.run({ model: spec, texts: batch }, options.signal);
        } catch (err) {
          if (options.signal?.aborted) throw options.signal.reason;
          // A thread that died, or ONNX Runtime failing: not the model's absence, so the caller may retry.
          throw new Error(`inference worker failed on model '${name}': ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        if (!result.ok) throw new ModelUnavailableError(name, result.message);
        if (result.dimensions !== model.dimensions) {
          throw new ModelUnavailableError(name, `its files in ${this.options.modelsDir}/${model.repository} produce ${result.dimensions}-d vectors, the catalogue says ${model.dimensions}`);
        }
        return result;
      }),
    );
    const out: Float32Array[] = [];
    for (const { dimensions, data } of results) {
      for (let offset = 0; offset < data.length; offset += dimensions) out.push(data.slice(offset, offset + dimensions));
    }
    return out;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

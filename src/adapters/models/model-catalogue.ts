// The neural text models Tessera knows by name: where their weights come from on the Hugging Face
// hub, their dimension and how they expect inputs. A model runs when its files are in
// TESSERA_MODELS_DIR (`tessera models pull NAME` puts them there), or when downloads are allowed.
// Names are the feature-URI output segments of SPEC §14 (mixpeek://text_extractor@v1/<name>).
import fs from 'node:fs';
import path from 'node:path';
import type { TextModelInfo } from '../../engine/ports/inference.ts';

export interface NeuralTextModel {
  /** The name callers use (and the feature-URI output segment). */
  name: string;
  /** 'org/model' on the hub the ONNX weights are downloaded from; also their folder under the models directory. */
  repository: string;
  /** The original model ('org/model'), reported as inference_service_id. */
  inferenceServiceId: string;
  dimensions: number;
  /** Tokens one input is embedded from (longer inputs are truncated by the tokenizer). */
  maxInputLength: number;
  /** ONNX weights: 'fp32' → onnx/model.onnx, 'q8' → onnx/model_quantized.onnx. */
  dtype: 'fp32' | 'q8';
  /** Weights in a separate onnx/model.onnx_data file (models over 2 GB). */
  externalData: boolean;
  /** Prepended to each text by purpose (E5 models are trained with them). */
  prefixes: { query: string; passage: string };
  description: string;
}

export const NEURAL_TEXT_MODELS: readonly NeuralTextModel[] = Object.freeze([
  {
    name: 'multilingual_e5_large_instruct_v1',
    repository: 'intfloat/multilingual-e5-large-instruct',
    inferenceServiceId: 'intfloat/multilingual-e5-large-instruct',
    dimensions: 1024,
    maxInputLength: 512,
    dtype: 'fp32',
    externalData: true,
    // The model card: queries carry a task instruction, documents are embedded as they are.
    prefixes: { query: 'Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: ', passage: '' },
    description: "Mixpeek's default text model: multilingual E5 large, instruction-tuned (about 2.2 GB)",
  },
  {
    name: 'multilingual_e5_small_v1',
    repository: 'Xenova/multilingual-e5-small',
    inferenceServiceId: 'intfloat/multilingual-e5-small',
    dimensions: 384,
    maxInputLength: 512,
    dtype: 'fp32',
    externalData: false,
    prefixes: { query: 'query: ', passage: 'passage: ' },
    description: 'Multilingual E5 small (about 470 MB)',
  },
  {
    name: 'all_minilm_l6_v2',
    repository: 'Xenova/all-MiniLM-L6-v2',
    inferenceServiceId: 'sentence-transformers/all-MiniLM-L6-v2',
    dimensions: 384,
    maxInputLength: 256,
    dtype: 'fp32',
    externalData: false,
    prefixes: { query: '', passage: '' },
    description: 'English sentence embeddings, small and fast (about 90 MB)',
  },
] satisfies NeuralTextModel[]);

/** The names known here: the built-in catalogue plus any extra entries (tests, deployments). */
export class ModelCatalogue {
  private readonly byName = new Map<string, NeuralTextModel>();

  constructor(extra: readonly NeuralTextModel[] = []) {
    for (const model of [...NEURAL_TEXT_MODELS, ...extra]) {
      if (!/^[a-z0-9][a-z0-9_]{0,99}$/.test(model.name)) throw new Error(`model name '${model.name}' must be lower-case letters, digits and _`);
      if (!/^[\w.-]+\/[\w.-]+$/.test(model.repository) || model.repository.includes('..')) throw new Error(`model repository '${model.repository}' must be 'org/model'`);
      this.byName.set(model.name, model);
    }
  }

  all(): NeuralTextModel[] {
    return [...this.byName.values()];
  }

  find(name: string): NeuralTextModel | undefined {
    return this.byName.get(name);
  }
}

/** The files a model needs, relative to its folder (<modelsDir>/<org>/<model>/). */
export function requiredFiles(model: Pick<NeuralTextModel, 'dtype' | 'externalData'>): string[] {
  const onnx = `onnx/model${model.dtype === 'q8' ? '_quantized' : ''}.onnx`;
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnx, ...(model.externalData ? [`${onnx}_data`] : [])];
}

/** The files of the model missing from the models directory (empty: it can be loaded offline). */
export function missingFiles(modelsDir: string, model: Pick<NeuralTextModel, 'repository' | 'dtype' | 'externalData'>): string[] {
  const dir = path.join(modelsDir, ...model.repository.split('/'));
  return requiredFiles(model).filter((file) => !fs.existsSync(path.join(dir, file)));
}

export function textModelInfo(model: NeuralTextModel): TextModelInfo {
  return {
    name: model.name,
    outputName: model.name,
    dimensions: model.dimensions,
    distance: 'cosine',
    kind: 'neural',
    inferenceServiceId: model.inferenceServiceId,
    maxInputLength: model.maxInputLength,
  };
}

// Which embedding model text_extractor locks for a new namespace (SPEC §14.2): Mixpeek's default
// multilingual-e5-large-instruct when this process has it; else the model the namespace's params
// name, when available; else the built-in lexical embedder, under its own honest feature URI.
import { BadRequestError } from '../../errors.ts';
import type { InferencePort, TextModelInfo } from '../../ports/inference.ts';
import type { LockedModels } from '../extractor-definition.ts';

export const E5_MODEL = 'multilingual_e5_large_instruct_v1';
export const E5_SERVICE_ID = 'intfloat/multilingual-e5-large-instruct';
export const LEXICAL_MODEL_NAME = 'tessera_lexical_v1';
/** The output whose model is locked: its vector index is text_extractor_v1_embedding. */
export const EMBEDDING_OUTPUT = 'embedding';

export async function lockTextModel(inference: InferencePort, requested: Record<string, unknown> | null): Promise<LockedModels> {
  const e5 = await inference.textModel(E5_MODEL);
  if (e5) return locked(e5, E5_SERVICE_ID);
  const asked = requested?.model;
  if (typeof asked === 'string' && asked.length > 0) {
    const model = await inference.textModel(asked);
    if (model) return locked(model, model.inferenceServiceId);
  }
  const lexical = await inference.textModel(LEXICAL_MODEL_NAME);
  if (!lexical) {
    const names = (await inference.textModels()).map((m) => m.name);
    throw new BadRequestError(`text_extractor has no text model to lock: available models are ${names.join(', ') || 'none'}`, { field: 'feature_extractors', available_models: names });
  }
  return locked(lexical, null);
}

function locked(model: TextModelInfo, inferenceServiceId: string | null): LockedModels {
  return { [EMBEDDING_OUTPUT]: { model: model.name, dimensions: model.dimensions, outputName: model.outputName, inferenceServiceId } };
}

// Where a namespace keeps the models it locked for each extractor at creation: under
// `locked_models` in its feature_extractors[].params (so GET namespace shows them). Collections and
// batch processing read them back from there; nothing re-picks them.
import type { FeatureExtractorConfig } from '../namespaces/types.ts';
import type { LockedModels } from './extractor-definition.ts';

export const LOCKED_MODELS_PARAM = 'locked_models';

export function lockedModelsOf(config: Pick<FeatureExtractorConfig, 'params'>): LockedModels {
  const locked = config.params?.[LOCKED_MODELS_PARAM];
  return locked !== null && typeof locked === 'object' && !Array.isArray(locked) ? (locked as LockedModels) : {};
}

/** Vector index name ({extractor}_{version}_{output}) → the locked model's output name (NamespaceModel.vector_inference_map). */
export function vectorInferenceMap(configs: readonly FeatureExtractorConfig[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const fe of configs) {
    for (const [output, model] of Object.entries(lockedModelsOf(fe))) map[`${fe.feature_extractor_name}_${fe.version}_${output}`] = model.outputName;
  }
  return map;
}

/** The namespace's configuration of one extractor, or undefined when the namespace does not have it. */
export function namespaceExtractor(configs: readonly FeatureExtractorConfig[], name: string, version: string): FeatureExtractorConfig | undefined {
  return configs.find((fe) => fe.feature_extractor_name === name && fe.version === version);
}

// Feature extractors as Mixpeek's FeatureExtractorResponseModel (catalogue) and
// UnifiedExtractorResponse (as a namespace configured them, with their locked models).
import type { ExtractorDefinition, LockedModels } from '../../engine/extractors/extractor-definition.ts';
import { extractorIdOf } from '../../engine/extractors/extractor-registry.ts';
import type { FeatureExtractorConfig } from '../../engine/namespaces/types.ts';
import type { FeatureExtractorBody, UnifiedExtractorBody } from '../schemas/extractors.ts';

export function toFeatureExtractorModel(e: ExtractorDefinition, locked: LockedModels): FeatureExtractorBody {
  const inputs = Object.entries(e.inputs);
  const outputs = e.outputFields(e.defaultParameters);
  return {
    feature_extractor_name: e.name,
    version: e.version,
    feature_extractor_id: extractorIdOf(e.name, e.version),
    description: e.description,
    icon: e.icon,
    source: 'builtin',
    input_schema: {
      type: 'object',
      properties: Object.fromEntries(inputs.map(([name, spec]) => [name, { type: 'string', description: spec.description, supported_types: spec.types }])),
      required: inputs.filter(([, spec]) => spec.required).map(([name]) => name),
    },
    output_schema: { type: 'object', properties: outputs },
    parameter_schema: e.parameterSchema,
    supported_input_types: [...new Set(inputs.flatMap(([, spec]) => spec.types))],
    max_inputs: e.maxInputs,
    default_parameters: e.defaultParameters,
    costs: { tier: e.costs.tier, tier_label: e.costs.tier_label, rates: e.costs.rates.map((r) => ({ ...r })) },
    required_vector_indexes: e.vectorIndexes(locked),
    required_payload_indexes: [],
    position_fields: e.positionFields,
  };
}

export function toUnifiedExtractor(e: ExtractorDefinition, config: FeatureExtractorConfig, locked: LockedModels): UnifiedExtractorBody {
  const model = toFeatureExtractorModel(e, locked);
  return {
    ...model,
    feature_uri: model.required_vector_indexes?.[0]?.feature_uri ?? null,
    params: config.params,
    plugin_id: null,
    deployed: true,
    validation_status: null,
    created_at: null,
    updated_at: null,
  };
}

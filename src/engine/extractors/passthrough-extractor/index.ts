// passthrough_extractor v1 (SPEC §14.2): no inputs, no models, no vectors. Each source item becomes
// one document carrying the fields that field_passthrough / include_all_source_fields copy (the
// batch processor copies them for every extractor); free.
import type { ExtractorDefinition } from '../extractor-definition.ts';

export const passthroughExtractor: ExtractorDefinition = {
  name: 'passthrough_extractor',
  version: 'v1',
  description: 'Copies source fields into documents without running a model: use field_passthrough or include_all_source_fields to choose them.',
  icon: 'copy',
  inputs: {},
  maxInputs: {},
  parameterSchema: { type: 'object', properties: {} },
  defaultParameters: {},
  positionFields: [],
  modelFree: true,
  // Free: no rates.
  costs: { tier: 1, tier_label: 'SIMPLE', rates: [] },
  lockModels: async () => ({}),
  vectorIndexes: () => [],
  outputFields: () => ({}),
  creditsFor: () => 0,
  extract: async (inputs) => inputs.map(() => [{ position: {}, fields: {}, vectors: {} }]),
};

// The feature extractor catalogue (SPEC §14), under Mixpeek's component names.
import { Type, type Static } from '@sinclair/typebox';
import { FreeObject, Nullable } from './nullable.ts';

export const CostRate = Type.Object(
  {
    unit: Type.Union(['minute', 'image', '1k_tokens', 'page', 'face', 'extraction'].map((u) => Type.Literal(u)), { title: 'CostUnit' }),
    credits_per_unit: Type.Integer({ minimum: 1, title: 'Credits Per Unit' }),
    description: Nullable(Type.String(), { title: 'Description' }),
  },
  { $id: 'CostRate', title: 'CostRate' },
);

export const CostsInfo = Type.Object(
  {
    tier: Type.Integer({ minimum: 1, maximum: 4, title: 'Tier' }),
    tier_label: Type.String({ title: 'Tier Label', description: 'SIMPLE, MODERATE, COMPLEX or PREMIUM' }),
    rates: Type.Array(Type.Ref(CostRate), { title: 'Rates', description: 'Empty: the extractor is free.' }),
  },
  { $id: 'CostsInfo', title: 'CostsInfo' },
);

export const VectorIndex = Type.Object(
  {
    name: Nullable(Type.String(), { title: 'Name', description: 'Storage name, derived from inference_service_id (org/model → org__model); the model name for the built-in lexical model.' }),
    description: Type.String({ title: 'Description' }),
    dimensions: Nullable(Type.Integer({ minimum: 1 }), { title: 'Dimensions' }),
    type: Type.String({ title: 'VectorType', description: 'dense, sparse or multi_dense' }),
    distance: Nullable(Type.String(), { title: 'Distance' }),
    datatype: Nullable(Type.String(), { title: 'VectorDataType' }),
    inference_service_id: Nullable(Type.String(), { title: 'Inference Service Id' }),
    purpose: Nullable(Type.String(), { title: 'VectorPurpose' }),
  },
  { $id: 'VectorIndex', title: 'VectorIndex' },
);

export const VectorIndexDefinition = Type.Object(
  {
    feature_uri: Nullable(Type.String(), { title: 'Feature Uri', description: 'mixpeek://{extractor}@{version}/{output}: read it here to build searches.' }),
    name: Type.String({ title: 'Name', description: 'The vector index (and document vector field) name, e.g. text_extractor_v1_embedding.' }),
    description: Type.String({ title: 'Description' }),
    type: Type.String({ title: 'Type', description: 'single or multi' }),
    index: Type.Ref(VectorIndex),
  },
  { $id: 'VectorIndexDefinition', title: 'VectorIndexDefinition' },
);

const catalogueFields = {
  feature_extractor_name: Type.String({ title: 'Feature Extractor Name' }),
  version: Type.String({ title: 'Version' }),
  feature_extractor_id: Type.String({ title: 'Feature Extractor Id', description: 'name_version, e.g. text_extractor_v1' }),
  description: Type.String({ title: 'Description' }),
  icon: Type.String({ title: 'Icon' }),
  source: Type.String({ title: 'ExtractorSource', description: 'builtin, custom or community' }),
  input_schema: FreeObject({ title: 'Input Schema' }),
  output_schema: FreeObject({ title: 'Output Schema' }),
  parameter_schema: Nullable(FreeObject(), { title: 'Parameter Schema' }),
  supported_input_types: Type.Array(Type.String(), { title: 'Supported Input Types' }),
  max_inputs: Type.Record(Type.String(), Type.Integer(), { title: 'Max Inputs' }),
  default_parameters: FreeObject({ title: 'Default Parameters' }),
  costs: Nullable(Type.Ref(CostsInfo)),
  required_vector_indexes: Nullable(Type.Array(Type.Ref(VectorIndexDefinition)), { title: 'Required Vector Indexes' }),
  required_payload_indexes: Nullable(Type.Array(FreeObject()), { title: 'Required Payload Indexes' }),
  position_fields: Type.Array(Type.String(), { title: 'Position Fields' }),
};

export const FeatureExtractorResponseModel = Type.Object(catalogueFields, {
  $id: 'FeatureExtractorResponseModel',
  title: 'FeatureExtractorResponseModel',
  description: 'A catalogue entry. required_vector_indexes are those a namespace created now would lock (the models this process has).',
});
export type FeatureExtractorBody = Static<typeof FeatureExtractorResponseModel>;

export const UnifiedExtractorResponse = Type.Object(
  {
    ...catalogueFields,
    feature_uri: Nullable(Type.String(), { title: 'Feature Uri', description: 'The URI of the namespace\'s locked primary vector index; null for extractors without vectors.' }),
    params: Nullable(FreeObject(), { title: 'Params', description: 'The namespace\'s params for this extractor, with the models locked at its creation under locked_models.' }),
    plugin_id: Nullable(Type.String()),
    deployed: Nullable(Type.Boolean()),
    validation_status: Nullable(Type.String()),
    created_at: Nullable(Type.String({ format: 'date-time' })),
    updated_at: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'UnifiedExtractorResponse', title: 'UnifiedExtractorResponse', description: 'An extractor as a namespace configured it: required_vector_indexes carry its locked models.' },
);
export type UnifiedExtractorBody = Static<typeof UnifiedExtractorResponse>;

export const UnifiedExtractorListResponse = Type.Object(
  {
    success: Type.Boolean({ default: true }),
    extractors: Type.Array(Type.Ref(UnifiedExtractorResponse)),
    total: Type.Integer(),
    namespace_id: Type.String(),
    builtin_count: Type.Integer(),
    custom_count: Type.Integer(),
  },
  { $id: 'UnifiedExtractorListResponse', title: 'UnifiedExtractorListResponse' },
);

export const FeatureExtractorIdParams = Type.Object({ feature_extractor_id: Type.String({ minLength: 1, maxLength: 255, title: 'Feature Extractor Id', description: 'name_version, e.g. text_extractor_v1' }) });
export const NamespaceExtractorParams = Type.Object({
  namespace_id: Type.String({ minLength: 1, maxLength: 255, title: 'Namespace Id', description: 'Namespace id or name.' }),
});
export const NamespaceExtractorIdParams = Type.Object({
  namespace_id: Type.String({ minLength: 1, maxLength: 255, title: 'Namespace Id', description: 'Namespace id or name.' }),
  extractor_id: Type.String({ minLength: 1, maxLength: 255, title: 'Extractor Id', description: 'name_version, e.g. text_extractor_v1' }),
});

export const EXTRACTOR_SCHEMAS = [CostRate, CostsInfo, VectorIndex, VectorIndexDefinition, FeatureExtractorResponseModel, UnifiedExtractorResponse, UnifiedExtractorListResponse];

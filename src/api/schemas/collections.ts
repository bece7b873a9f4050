// Collections (SPEC §12), under Mixpeek's component names. The engine checks what TypeBox cannot
// (sources exist, input_mappings against the source schema, parameters against the extractor).
import { Type, type Static } from '@sinclair/typebox';
import { BoundedFreeObject } from './bounds.ts';
import { VectorIndex, VectorIndexDefinition } from './extractors.ts';
import { FreeObject, Nullable } from './nullable.ts';
import { PaginationResponse, SortOption } from './pagination.ts';

const Id = (title: string) => Type.String({ minLength: 1, maxLength: 255, title });
const Path = Type.String({ minLength: 1, maxLength: 1000 });

export const SourceConfig = Type.Object(
  {
    type: Type.Optional(Nullable(Type.String({ maxLength: 32 }), { title: 'SourceType', description: 'bucket or collection (inferred from the ids when absent).' })),
    bucket_ids: Type.Optional(Nullable(Type.Array(Id('Bucket Id'), { minItems: 1, maxItems: 16 }), { title: 'Bucket Ids', description: 'Source buckets (ids or names) of the namespace; several need compatible schemas.' })),
    bucket_id: Type.Optional(Nullable(Id('Bucket Id'), { description: 'Alias of bucket_ids with one bucket (the docs\' spelling).' })),
    collection_id: Type.Optional(Nullable(Id('Collection Id'), { description: 'An upstream collection (tiered processing).' })),
    collection_ids: Type.Optional(Nullable(Type.Array(Id('Collection Id'), { minItems: 1, maxItems: 16 }), { title: 'Collection Ids' })),
    inherited_bucket_ids: Type.Optional(Nullable(Type.Array(Id('Bucket Id'), { maxItems: 64 }), { description: 'Computed; ignored on input.' })),
    source_filters: Type.Optional(Nullable(Type.Object({ filters: Type.Optional(Nullable(BoundedFreeObject({ title: 'LogicalOperator' }))) }, { additionalProperties: false, title: 'SourceFilters' }))),
  },
  { $id: 'SourceConfig', title: 'SourceConfig', additionalProperties: false },
);

export const InputMapping = Type.Object(
  {
    input_key: Type.String({ minLength: 1, maxLength: 255 }),
    source_type: Type.Optional(Nullable(Type.String({ maxLength: 32 }), { description: 'payload (only value supported); literal and vector are refused.' })),
    path: Type.Optional(Nullable(Path)),
    override: Type.Optional(Type.Unknown()),
  },
  { $id: 'InputMapping', title: 'InputMapping', additionalProperties: false },
);

export const FieldPassthrough = Type.Object(
  {
    source_path: Path,
    target_path: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255 }), { description: 'Default: the last segment of source_path.' })),
    default: Type.Optional(Type.Unknown()),
    required: Type.Optional(Type.Boolean({ default: false })),
  },
  { $id: 'FieldPassthrough', title: 'FieldPassthrough', additionalProperties: false },
);

export const FeatureExtractorConfig = Type.Object(
  {
    feature_extractor_name: Type.String({ minLength: 1, maxLength: 100 }),
    version: Type.String({ minLength: 1, maxLength: 100 }),
    params: Type.Optional(Nullable(BoundedFreeObject({ description: 'Namespace-locked index params: may repeat the namespace\'s model, never change it (400).' }))),
    parameters: Type.Optional(Nullable(BoundedFreeObject({ description: 'The extractor\'s parameters (see its parameter_schema); unknown keys are ignored.' }))),
    input_mappings: Type.Optional(
      Nullable(Type.Union([Type.Record(Type.String({ maxLength: 255 }), Path, { maxProperties: 64 }), Type.Array(Type.Ref(InputMapping), { maxItems: 64 })], { description: '{extractor_input: source_field_path} or [InputMapping].' })),
    ),
    field_passthrough: Type.Optional(Nullable(Type.Array(Type.Union([Path, Type.Ref(FieldPassthrough)]), { maxItems: 256, description: 'Source field names, or FieldPassthrough objects.' }))),
    include_all_source_fields: Type.Optional(Nullable(Type.Boolean({ default: false }))),
  },
  { $id: 'FeatureExtractorConfig', title: 'FeatureExtractorConfig', additionalProperties: false },
);

const Applications = (title: string) => Type.Optional(Nullable(Type.Array(BoundedFreeObject(), { maxItems: 64, title, description: 'Accepted for compatibility; Tessera has none to apply yet, so any entry is a 400.' })));

export const CreateCollectionRequest = Type.Object(
  {
    collection_name: Type.String({ minLength: 1, maxLength: 255, title: 'Collection Name', description: '3-100 characters, unique in the namespace.' }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    source: Type.Ref(SourceConfig),
    input_schema: Type.Optional(Nullable(BoundedFreeObject({ description: 'Ignored: inferred from the source.' }))),
    feature_extractor: Type.Ref(FeatureExtractorConfig),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    metadata: Type.Optional(Nullable(BoundedFreeObject())),
    taxonomy_applications: Applications('Taxonomy Applications'),
    cluster_applications: Applications('Cluster Applications'),
    alert_applications: Applications('Alert Applications'),
  },
  { $id: 'CreateCollectionRequest', title: 'CreateCollectionRequest', additionalProperties: false },
);
export type CreateCollectionBody = Static<typeof CreateCollectionRequest>;

export const PatchCollectionRequest = BoundedFreeObject({
  $id: 'PatchCollectionRequest',
  title: 'PatchCollectionRequest',
  description: 'collection_name, description, enabled, metadata (taxonomy_applications: empty only). Any other field is a 400: the core configuration is immutable; clone instead.',
});

export const CollectionResponse = Type.Object(
  {
    collection_id: Type.String(),
    collection_name: Type.String(),
    namespace_id: Type.String(),
    description: Nullable(Type.String()),
    input_schema: FreeObject({ title: 'BucketSchema' }),
    output_schema: FreeObject({ title: 'BucketSchema' }),
    feature_extractor: FreeObject({ title: 'FeatureExtractorConfig' }),
    source: FreeObject({ title: 'SourceConfig' }),
    source_bucket_schemas: Nullable(Type.Record(Type.String(), FreeObject())),
    source_lineage: Type.Array(FreeObject({ title: 'SingleLineageEntry' })),
    vector_indexes: Type.Array(Type.Ref(VectorIndexDefinition)),
    payload_indexes: Type.Array(FreeObject()),
    enabled: Type.Boolean(),
    metadata: Nullable(FreeObject()),
    created_at: Nullable(Type.String({ format: 'date-time' })),
    updated_at: Nullable(Type.String({ format: 'date-time' })),
    document_count: Nullable(Type.Integer()),
    processing_tier: Type.Integer({ description: 'Tessera: 0 for bucket sources, upstream tier + 1 for collection sources.' }),
    schema_version: Type.Integer(),
    last_schema_sync: Nullable(Type.String({ format: 'date-time' })),
    schema_sync_enabled: Type.Boolean(),
    taxonomy_applications: Nullable(Type.Array(FreeObject())),
    cluster_applications: Nullable(Type.Array(FreeObject())),
    alert_applications: Nullable(Type.Array(FreeObject())),
    taxonomy_count: Nullable(Type.Integer()),
    retriever_count: Nullable(Type.Integer()),
  },
  { $id: 'CollectionResponse', title: 'CollectionResponse' },
);
export type CollectionResponseBody = Static<typeof CollectionResponse>;

export const ListCollectionsRequest = Type.Object(
  {
    filters: Type.Optional(Nullable(BoundedFreeObject({ title: 'LogicalOperator', description: 'Paths: collection_id, collection_name, description, created_at, updated_at, processing_tier, enabled, metadata.<key>, source.type, feature_extractor.feature_extractor_name …' }))),
    sort: Type.Optional(Nullable(SortOption)),
    search: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    case_sensitive: Type.Optional(Type.Boolean({ default: false })),
  },
  { $id: 'ListCollectionsRequest', title: 'ListCollectionsRequest', additionalProperties: false },
);

export const CollectionListStats = Type.Object(
  {
    total_documents: Type.Integer(),
    avg_documents_per_collection: Type.Number(),
    collections_with_taxonomies: Type.Integer(),
    total_feature_extractors: Type.Integer(),
    total_taxonomies: Type.Integer(),
    total_retrievers: Type.Integer(),
  },
  { $id: 'CollectionListStats', title: 'CollectionListStats', description: 'Over every collection of the namespace.' },
);

export const ListCollectionsResponse = Type.Object(
  { results: Type.Array(Type.Ref(CollectionResponse)), pagination: Type.Ref(PaginationResponse), total_count: Type.Integer(), stats: Nullable(Type.Ref(CollectionListStats)) },
  { $id: 'ListCollectionsResponse', title: 'ListCollectionsResponse' },
);

export const CollectionFeatureDescriptor = Type.Object(
  { feature_address: Type.String(), feature_extractor_name: Type.String(), version: Type.String(), vector_index: Type.Ref(VectorIndex), primary: Type.Boolean() },
  { $id: 'CollectionFeatureDescriptor', title: 'CollectionFeatureDescriptor' },
);
export const DescribeCollectionFeaturesResponse = Type.Object(
  { features: Type.Array(Type.Ref(CollectionFeatureDescriptor)) },
  { $id: 'DescribeCollectionFeaturesResponse', title: 'DescribeCollectionFeaturesResponse' },
);

export const DeleteCollectionResponse = Type.Object(
  { success: Type.Boolean(), collection_id: Type.String(), collection_name: Type.String(), message: Type.String() },
  { $id: 'DeleteCollectionResponse', title: 'DeleteCollectionResponse' },
);

export const CollectionIdentifierParams = Type.Object({
  collection_identifier: Type.String({ minLength: 1, maxLength: 255, title: 'Collection Identifier', description: 'Collection id (col_…) or name; X-Namespace is required.' }),
});

export const COLLECTION_SCHEMAS = [
  SourceConfig, InputMapping, FieldPassthrough, FeatureExtractorConfig, CreateCollectionRequest, PatchCollectionRequest, CollectionResponse,
  ListCollectionsRequest, CollectionListStats, ListCollectionsResponse, CollectionFeatureDescriptor, DescribeCollectionFeaturesResponse, DeleteCollectionResponse,
];

// Namespaces (SPEC §6), under Mixpeek's component names.
import { Type, type Static } from '@sinclair/typebox';
import { PAYLOAD_INDEX_TYPES } from '../../engine/namespaces/types.ts';
import { MAX_TTL_SECONDS, MIN_TTL_SECONDS } from '../../engine/namespaces/namespace-config.ts';
import { FreeObject, Nullable } from './nullable.ts';
import { PaginationResponse } from './pagination.ts';

const NamespaceName = Type.String({ minLength: 1, maxLength: 100, title: 'Namespace Name', description: 'Unique among the organization\'s namespaces.', examples: ['spotify_playlists_dev'] });
const Description = Nullable(Type.String({ maxLength: 2000 }), { title: 'Description' });

const FeatureExtractorInput = Type.Object(
  {
    feature_extractor_name: Type.String({ minLength: 1, maxLength: 100, title: 'Feature Extractor Name' }),
    version: Type.String({ minLength: 1, maxLength: 100, title: 'Version' }),
    params: Type.Optional(Nullable(FreeObject(), { title: 'Params', description: 'Locked at namespace creation (they fix models and vector dimensions).' })),
    feature_extractor_id: Type.Optional(Nullable(Type.String({ maxLength: 201 }), { title: 'Feature Extractor Id', description: 'Ignored on input: always `{name}_{version}`.' })),
  },
  { $id: 'BaseFeatureExtractorModel-Input', title: 'BaseFeatureExtractorModel', additionalProperties: false },
);

const FeatureExtractorOutput = Type.Object(
  {
    feature_extractor_name: Type.String({ title: 'Feature Extractor Name' }),
    version: Type.String({ title: 'Version' }),
    params: Nullable(FreeObject(), { title: 'Params' }),
    feature_extractor_id: Type.String({ title: 'Feature Extractor Id' }),
  },
  { $id: 'BaseFeatureExtractorModel-Output', title: 'BaseFeatureExtractorModel' },
);

const PayloadIndexType = Type.Unsafe<(typeof PAYLOAD_INDEX_TYPES)[number]>({ type: 'string', enum: [...PAYLOAD_INDEX_TYPES], title: 'PayloadSchemaType' });

const PayloadIndexInput = Type.Object(
  {
    field_name: Type.String({ minLength: 1, maxLength: 255, title: 'Field Name' }),
    type: PayloadIndexType,
    field_schema: Type.Optional(Nullable(FreeObject(), { title: 'Field Schema' })),
    is_protected: Type.Optional(Type.Boolean({ default: false, title: 'Is Protected' })),
  },
  { $id: 'PayloadIndexConfig-Input', title: 'PayloadIndexConfig', additionalProperties: false },
);

const PayloadIndexOutput = Type.Object(
  {
    field_name: Type.String({ title: 'Field Name' }),
    type: PayloadIndexType,
    field_schema: Nullable(FreeObject(), { title: 'Field Schema' }),
    is_protected: Type.Boolean({ title: 'Is Protected' }),
  },
  { $id: 'PayloadIndexConfig-Output', title: 'PayloadIndexConfig' },
);

const Infrastructure = Nullable(FreeObject({ title: 'NamespaceInfrastructure', description: 'Accepted and stored; a self-hosted deployment runs every namespace on its own infrastructure.' }));

export const CreateNamespaceRequest = Type.Object(
  {
    namespace_name: NamespaceName,
    description: Type.Optional(Description),
    feature_extractors: Type.Array(Type.Ref(FeatureExtractorInput), { minItems: 1, maxItems: 32, title: 'Feature Extractors' }),
    payload_indexes: Type.Optional(Nullable(Type.Array(Type.Ref(PayloadIndexInput), { maxItems: 128 }), { title: 'Payload Indexes' })),
    auto_create_indexes: Type.Optional(Nullable(Type.Boolean(), { default: false, title: 'Auto Create Indexes' })),
    infrastructure: Type.Optional(Infrastructure),
    ttl_seconds: Type.Optional(
      Nullable(Type.Integer({ minimum: MIN_TTL_SECONDS, maximum: MAX_TTL_SECONDS }), {
        title: 'Ttl Seconds',
        description: 'Delete the namespace and everything in it this many seconds after creation (GET shows `expires_at`).',
      }),
    ),
  },
  { $id: 'CreateNamespaceRequest', title: 'CreateNamespaceRequest', additionalProperties: false },
);
export type CreateNamespaceBody = Static<typeof CreateNamespaceRequest>;

export const UpdateNamespaceRequest = Type.Object(
  {
    namespace_name: Type.Optional(Nullable(NamespaceName)),
    payload_indexes: Type.Optional(Nullable(Type.Array(Type.Ref(PayloadIndexInput), { maxItems: 128 }))),
  },
  { $id: 'UpdateNamespaceRequest', title: 'UpdateNamespaceRequest', additionalProperties: false },
);
export type UpdateNamespaceBody = Static<typeof UpdateNamespaceRequest>;

export const PatchNamespaceRequest = Type.Object(
  {
    namespace_name: Type.Optional(Nullable(NamespaceName)),
    description: Type.Optional(Description),
    payload_indexes: Type.Optional(Nullable(Type.Array(Type.Ref(PayloadIndexInput), { maxItems: 128 }))),
    auto_create_indexes: Type.Optional(Nullable(Type.Boolean())),
    infrastructure: Type.Optional(Infrastructure),
  },
  { $id: 'PatchNamespaceRequest', title: 'PatchNamespaceRequest', additionalProperties: false },
);
export type PatchNamespaceBody = Static<typeof PatchNamespaceRequest>;

export const NamespaceModel = Type.Object(
  {
    namespace_id: Type.String({ title: 'Namespace Id' }),
    namespace_name: Type.String({ title: 'Namespace Name' }),
    infrastructure: Nullable(FreeObject()),
    cluster_id: Nullable(Type.String(), { title: 'Cluster Id' }),
    description: Nullable(Type.String(), { title: 'Description' }),
    feature_extractors: Type.Array(Type.Ref(FeatureExtractorOutput), { title: 'Feature Extractors' }),
    payload_indexes: Nullable(Type.Array(Type.Ref(PayloadIndexOutput)), { title: 'Payload Indexes' }),
    document_count: Nullable(Type.Integer(), { title: 'Document Count' }),
    bucket_count: Nullable(Type.Integer(), { title: 'Bucket Count' }),
    collection_count: Nullable(Type.Integer(), { title: 'Collection Count' }),
    object_count: Nullable(Type.Integer(), { title: 'Object Count' }),
    auto_create_indexes: Type.Boolean({ title: 'Auto Create Indexes' }),
    vector_inference_map: Nullable(FreeObject(), { title: 'Vector Inference Map' }),
    expires_at: Nullable(Type.String({ format: 'date-time' }), { title: 'Expires At', description: 'When ttl_seconds deletes the namespace; null without a ttl.' }),
    created_at: Nullable(Type.String({ format: 'date-time' }), { title: 'Created At' }),
    updated_at: Nullable(Type.String({ format: 'date-time' }), { title: 'Updated At' }),
  },
  { $id: 'NamespaceModel', title: 'NamespaceModel', description: 'A namespace: the tenant boundary its buckets, collections and retrievers live in.' },
);
export type NamespaceModelBody = Static<typeof NamespaceModel>;

const NamespaceFilterValue = Type.Union([Type.String({ maxLength: 255 }), Type.Object({ $eq: Type.String({ maxLength: 255 }) }, { additionalProperties: false })]);

export const ListNamespacesRequest = Type.Object(
  {
    filters: Type.Optional(
      Nullable(
        Type.Object({ namespace_id: Type.Optional(NamespaceFilterValue), namespace_name: Type.Optional(NamespaceFilterValue) }, { additionalProperties: false }),
        { title: 'Filters', description: 'By namespace_id or namespace_name (exact; case-insensitive unless case_sensitive).' },
      ),
    ),
    sort: Type.Optional(
      Nullable(
        Type.Object(
          {
            field: Type.Union([Type.Literal('namespace_name'), Type.Literal('created_at'), Type.Literal('updated_at'), Type.Literal('namespace_id')]),
            direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
          },
          { additionalProperties: false },
        ),
        { title: 'Sort' },
      ),
    ),
    search: Type.Optional(Nullable(Type.String({ maxLength: 255 }), { title: 'Search', description: 'Substring of namespace_id, namespace_name or description.' })),
    case_sensitive: Type.Optional(Type.Boolean({ default: false, title: 'Case Sensitive' })),
  },
  { $id: 'ListNamespacesRequest', title: 'ListNamespacesRequest', additionalProperties: false },
);
export type ListNamespacesBody = Static<typeof ListNamespacesRequest>;

export const NamespaceListStats = Type.Object(
  {
    total_feature_extractors: Type.Integer(),
    total_payload_indexes: Type.Integer(),
    total_documents: Type.Integer(),
    total_buckets: Type.Integer(),
    total_collections: Type.Integer(),
    total_objects: Type.Integer(),
    avg_feature_extractors_per_namespace: Type.Number(),
    avg_payload_indexes_per_namespace: Type.Number(),
    avg_documents_per_namespace: Type.Number(),
    avg_buckets_per_namespace: Type.Number(),
    avg_collections_per_namespace: Type.Number(),
    avg_objects_per_namespace: Type.Number(),
  },
  { $id: 'NamespaceListStats', title: 'NamespaceListStats', description: 'Totals and averages over the namespaces of the returned page.' },
);

export const ListNamespacesResponse = Type.Object(
  {
    results: Type.Array(Type.Ref(NamespaceModel)),
    pagination: Type.Ref(PaginationResponse),
    total_count: Type.Integer({ title: 'Total Count' }),
    stats: Nullable(Type.Ref(NamespaceListStats)),
  },
  { $id: 'ListNamespacesResponse', title: 'ListNamespacesResponse' },
);
export type ListNamespacesResponseBody = Static<typeof ListNamespacesResponse>;

export const DeleteNamespaceResponse = Type.Object(
  {
    message: Type.String(),
    namespace_id: Type.String(),
    namespace_name: Type.String(),
    task_id: Type.String({ description: 'Poll GET /v1/tasks/{task_id} until COMPLETED.' }),
    status: Type.String({ description: 'PENDING: the cascade runs on the job queue.' }),
  },
  { $id: 'DeleteNamespaceResponse', title: 'DeleteNamespaceResponse', description: 'Deletion is asynchronous: the namespace is gone from every route at once; its contents are removed by a task.' },
);

export const NamespaceIdentifierParams = Type.Object({ namespace_identifier: Type.String({ minLength: 1, maxLength: 255, title: 'Namespace Identifier', description: 'Namespace id (ns_…) or name.' }) });

export const NAMESPACE_SCHEMAS = [
  FeatureExtractorInput,
  FeatureExtractorOutput,
  PayloadIndexInput,
  PayloadIndexOutput,
  CreateNamespaceRequest,
  UpdateNamespaceRequest,
  PatchNamespaceRequest,
  NamespaceModel,
  ListNamespacesRequest,
  NamespaceListStats,
  ListNamespacesResponse,
  DeleteNamespaceResponse,
];

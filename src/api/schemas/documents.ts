// Documents of a collection (SPEC §13) and lineage (§13.3), under Mixpeek's component names. User
// fields live flat on the document (additionalProperties); the engine checks vectors against the
// collection's vector indexes and refuses changes to vectors and system fields.
import { Type, type Static } from '@sinclair/typebox';
import { BoundedFreeObject } from './bounds.ts';
import { FreeObject, Nullable } from './nullable.ts';
import { ObjectAggregationRequest, ObjectAggregationResponse } from './objects.ts';
import { PaginationResponse, SortOption } from './pagination.ts';
import { QueryObject } from './query.ts';

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 255, description });
const OptionalId = (description: string) => Type.Optional(Nullable(Type.String({ maxLength: 255 }), { description }));

export const LineageStep = Type.Object(
  {
    collection_id: Type.String({ minLength: 1, maxLength: 255 }),
    feature_extractor_id: Type.String({ minLength: 1, maxLength: 255 }),
    document_id: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    timestamp: Type.Optional(Type.String({ maxLength: 64, description: 'ISO 8601; defaults to now.' })),
  },
  { $id: 'LineageStep', title: 'LineageStep', additionalProperties: false },
);

export const SourceBlobRef = Type.Object(
  { blob_id: Type.String({ maxLength: 255 }), blob_property: Type.String({ maxLength: 255 }), blob_type: Type.String({ maxLength: 64 }) },
  { title: 'SourceBlobRef', additionalProperties: false },
);

export const FeatureModel = Type.Object(
  {
    feature_extractor_id: Type.String({ minLength: 1, maxLength: 255, description: 'The extractor the feature comes from (e.g. text_extractor_v1).' }),
    payload: Type.Optional(Nullable(BoundedFreeObject({ description: 'Fields the feature adds to the document (user fields at its root).' }))),
    vectors: Type.Optional(
      Nullable(
        Type.Record(Type.String({ maxLength: 255 }), Type.Unknown(), {
          maxProperties: 16,
          description: 'Vector index name → dense list of numbers (NamedDenseVectors / DenseVector). Each name must be one of the collection\'s vector_indexes, of its dimensions, every value a finite float32; sparse and multi-dense vectors are refused (no such index).',
        }),
      ),
    ),
  },
  { $id: 'FeatureModel', title: 'FeatureModel', additionalProperties: false },
);

export const DocumentCreateRequest = Type.Object(
  {
    collection_id: Type.Optional(Nullable(Type.String({ maxLength: 255, description: 'Optional: the collection comes from the path; when given it must name the same collection.' }))),
    root_object_id: OptionalId('Root object of the decomposition (defaults to the source document\'s root, else source_object_id).'),
    root_bucket_id: OptionalId('Bucket of the root object.'),
    source_type: Type.Optional(Nullable(Type.Union([Type.Literal('bucket'), Type.Literal('collection')]))),
    source_collection_id: OptionalId('Parent collection when sourced from a collection.'),
    source_document_id: OptionalId('Parent document (must exist in the namespace): root, path and chain default from it.'),
    source_object_id: OptionalId('Parent object when sourced directly from a bucket.'),
    lineage_path: Type.Optional(Nullable(Type.String({ maxLength: 2048 }), { description: 'Default: parent path + "/" + collection id, or root_bucket_id/collection id.' })),
    lineage_chain: Type.Optional(Nullable(Type.Array(Type.Ref(LineageStep), { maxItems: 64 }))),
    document_schema_version: Type.Optional(Nullable(Type.String({ maxLength: 8, description: 'v1 or v2.' }))),
    metadata: Type.Optional(Nullable(BoundedFreeObject({ description: 'User fields, stored under `metadata`.' }))),
    features: Type.Optional(Nullable(Type.Array(Type.Ref(FeatureModel), { maxItems: 16 }))),
    source_blobs: Type.Optional(Nullable(Type.Array(SourceBlobRef, { maxItems: 100 }))),
  },
  { $id: 'DocumentCreateRequest', title: 'DocumentCreateRequest', additionalProperties: true, description: 'Any other key is a user field at the document root (system field names are refused).' },
);
export type DocumentCreateBody = Static<typeof DocumentCreateRequest>;

export const DocumentResponse = Type.Object(
  {
    document_id: Type.String(),
    collection_id: Type.String(),
    document_blobs: Type.Optional(Type.Array(FreeObject())),
    root_object_id: Type.Optional(Nullable(Type.String())),
    source_object_id: Type.Optional(Nullable(Type.String())),
    source_document_id: Type.Optional(Nullable(Type.String())),
    lineage_path: Type.Optional(Nullable(Type.String())),
    processing_tier: Type.Optional(Nullable(Type.Integer())),
    source_blobs: Type.Optional(Type.Array(FreeObject())),
    _internal: Type.Optional(Nullable(FreeObject({ title: 'InternalPayloadModel', description: 'lineage {root_object_id, root_bucket_id, source_type, source_object_id, source_document_id, source_collection_id, path, chain}, namespace_id, collection_id, document_id, created_at, updated_at, processing_tier, batch_id, source_blobs, metadata.' }))),
  },
  {
    $id: 'DocumentResponse',
    title: 'DocumentResponse',
    additionalProperties: true,
    description: 'User fields flat at the root beside these keys; each vector under its index name only with return_vectors=true (a list\'s `select` may return fewer keys).',
  },
);
export type DocumentResponseBody = Static<typeof DocumentResponse> & Record<string, unknown>;

export const DocumentUpdateRequest = Type.Object({}, { $id: 'DocumentUpdateRequest', title: 'DocumentUpdateRequest', additionalProperties: true, maxProperties: 256, description: 'The document\'s new user fields (they replace the old ones). Vectors and system fields may be sent back unchanged; changing one is a 400.' });
export const PatchDocumentRequest = Type.Object({}, { $id: 'PatchDocumentRequest', title: 'PatchDocumentRequest', additionalProperties: true, maxProperties: 256, description: 'User fields to set; a dotted key (metadata.status) sets a nested one. Vectors and system fields cannot change (400).' });

const Filters = (description: string) => Type.Optional(Nullable(FreeObject({ title: 'LogicalOperator', description })));
const FILTER_PATHS = 'Paths: user fields (metadata.x, …), document_id, created_at, updated_at, root_object_id, source_object_id, source_document_id, lineage_path, processing_tier, _internal.lineage.root_object_id (and the other _internal.lineage.* keys), _internal.created_at …';

export const ListDocumentsRequest = Type.Object(
  {
    filters: Filters(`AND/OR/NOT of {field, operator, value} conditions, or {path: value} shorthand. ${FILTER_PATHS}`),
    sort: Type.Optional(Nullable(SortOption)),
    search: Type.Optional(Nullable(Type.String({ maxLength: 255, description: 'Matches the document id or any user field value (substring).' }))),
    case_sensitive: Type.Optional(Type.Boolean({ default: false })),
    cursor: Type.Optional(Nullable(Type.String({ maxLength: 512, description: 'pagination.next_cursor of the previous page; overrides offset.' }))),
    return_url: Type.Optional(Nullable(Type.Boolean({ default: false, description: 'Accepted; documents carry no blobs of their own yet.' }))),
    return_vectors: Type.Optional(Nullable(Type.Boolean({ default: false }))),
    group_by: Type.Optional(Nullable(Type.String({ maxLength: 255, description: 'Not supported (400): use POST …/documents/aggregate.' }))),
    select: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100, description: 'Keys (or dotted user field paths) to return; document_id and collection_id always come.' }))),
  },
  { $id: 'ListDocumentsRequest', title: 'ListDocumentsRequest', additionalProperties: false },
);
export type ListDocumentsBody = Static<typeof ListDocumentsRequest>;

export const DocumentListStats = Type.Object(
  {
    total_documents: Type.Integer(),
    avg_blobs_per_document: Type.Number(),
    total_groups: Type.Optional(Nullable(Type.Integer())),
    avg_documents_per_group: Type.Optional(Nullable(Type.Number())),
  },
  { $id: 'DocumentListStats', title: 'DocumentListStats', description: 'Over every document matching the query.' },
);

export const ListDocumentsResponse = Type.Object(
  {
    results: Type.Array(Type.Ref(DocumentResponse)),
    pagination: Type.Ref(PaginationResponse),
    stats: Nullable(Type.Ref(DocumentListStats)),
    group_by_field: Type.Optional(Nullable(Type.String())),
  },
  { $id: 'ListDocumentsResponse', title: 'ListDocumentsResponse' },
);

const UpdateData = (description: string) => BoundedFreeObject({ description, maxProperties: 256 });

export const BatchDocumentUpdate = Type.Object(
  { document_id: Id('Document to update.'), update_data: UpdateData('Fields to set (dotted keys set nested fields); vectors and system fields cannot change.') },
  { $id: 'BatchDocumentUpdate', title: 'BatchDocumentUpdate', additionalProperties: false },
);

export const BatchUpdateDocumentsRequest = Type.Object(
  {
    updates: Type.Optional(Nullable(Type.Array(Type.Ref(BatchDocumentUpdate), { minItems: 1, maxItems: 1000 }))),
    filters: Filters(`With update_data (filter mode); exclusive with updates. The raw Qdrant form {"must": [{"key", "match": {"value"}}]} is accepted too. ${FILTER_PATHS}`),
    update_data: Type.Optional(Nullable(UpdateData('Filter mode: the same fields set on every match.'))),
  },
  { $id: 'BatchUpdateDocumentsRequest', title: 'BatchUpdateDocumentsRequest', additionalProperties: false },
);

const ItemResult = (id: string) =>
  Type.Object({ document_id: Type.String(), success: Type.Boolean(), error: Type.Optional(Nullable(Type.String())) }, { $id: id, title: id });
export const BatchDocumentUpdateResult = ItemResult('BatchDocumentUpdateResult');
export const BatchDocumentDeleteResult = ItemResult('BatchDocumentDeleteResult');

export const BatchUpdateDocumentsResponse = Type.Object(
  { updated_count: Type.Integer(), failed_count: Type.Integer(), results: Type.Array(Type.Ref(BatchDocumentUpdateResult)), message: Type.String() },
  { $id: 'BatchUpdateDocumentsResponse', title: 'BatchUpdateDocumentsResponse' },
);

export const BulkUpdateDocumentsRequest = Type.Object(
  {
    filters: Filters(`Documents to update; omitted or null = every document of the collection. Qdrant form accepted. ${FILTER_PATHS}`),
    update_data: UpdateData('Fields set on every match (dotted keys set nested fields); vectors and system fields cannot change.'),
  },
  { $id: 'BulkUpdateDocumentsRequest', title: 'BulkUpdateDocumentsRequest', additionalProperties: false },
);

export const BulkUpdateDocumentsResponse = Type.Object({ updated_count: Type.Integer(), message: Type.String() }, { $id: 'BulkUpdateDocumentsResponse', title: 'BulkUpdateDocumentsResponse' });

export const BatchDeleteDocumentsRequest = Type.Object(
  {
    document_ids: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 1000 }))),
    filters: Filters(`Documents to delete (at least one condition); exclusive with document_ids. Qdrant form accepted. ${FILTER_PATHS}`),
  },
  { $id: 'BatchDeleteDocumentsRequest', title: 'BatchDeleteDocumentsRequest', additionalProperties: false },
);

export const BatchDeleteDocumentsResponse = Type.Object(
  { deleted_count: Type.Integer(), failed_count: Type.Integer(), results: Type.Array(Type.Ref(BatchDocumentDeleteResult)), message: Type.String() },
  { $id: 'BatchDeleteDocumentsResponse', title: 'BatchDeleteDocumentsResponse' },
);

export const DocumentAggregationRequest = Type.Object(ObjectAggregationRequest.properties, {
  $id: 'DocumentAggregationRequest',
  title: 'DocumentAggregationRequest',
  additionalProperties: false,
  description: `Group the collection's documents and compute metrics (SPEC §13.4). ${FILTER_PATHS}`,
});
export const DocumentAggregationResponse = Type.Object(ObjectAggregationResponse.properties, { $id: 'DocumentAggregationResponse', title: 'DocumentAggregationResponse' });

export const CollectionDocumentsParams = Type.Object({ collection_identifier: Id('Collection id (col_…) or name.') });
export const DocumentParams = Type.Object({ collection_identifier: Id('Collection id (col_…) or name.'), document_id: Id('Document id (doc_…).') });
export const LineageParams = Type.Object({ collection_id: Id('Collection id (col_…) or name (a name needs X-Namespace).'), document_id: Id('Document id (doc_…).') });
export const ObjectLineageParams = Type.Object({ object_id: Id('Root object id (obj_…).') });

export const GetDocumentQuery = QueryObject({
  return_presigned_urls: Type.Boolean({ default: false, description: 'Accepted; documents carry no blobs of their own yet (document_blobs is empty).' }),
  return_vectors: Type.Boolean({ default: false, description: 'Add each vector under its index name.' }),
});
export const DocumentsByObjectQuery = QueryObject({
  collection_ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100, description: 'Only these collections (ids).' })),
});
export const DecompositionTreeQuery = QueryObject({
  include_document_ids: Type.Boolean({ default: false, description: 'List each node\'s document ids (can be large).' }),
});

export const DocumentLineageResponse = FreeObject({
  $id: 'DocumentLineageResponse',
  title: 'DocumentLineageResponse',
  description:
    'document_id, collection_id, depth, lineage (as in _internal), root_object (summary or null when gone), ancestors (source documents root-most first: document_id, collection_id, collection_name, processing_tier, lineage_path, created_at), chain (steps root object → this document), missing_ancestor.',
});
export const DocumentsByObjectResponse = FreeObject({
  $id: 'DocumentsByObjectResponse',
  title: 'DocumentsByObjectResponse',
  description: 'object_id, root_object (summary or null when gone), total_documents, truncated, collections ([{collection_id, collection_name, processing_tier, document_count}]), documents (DocumentResponse, flat, tier then creation order).',
});
export const DecompositionTreeResponse = FreeObject({
  $id: 'DecompositionTreeResponse',
  title: 'DecompositionTreeResponse',
  description: 'object_id, bucket_id, root_object, total_documents, total_collections, tree: [{collection_id, collection_name, tier, document_count, document_ids (with include_document_ids=true), children: [...] }] from the bucket\'s tier-0 collections down.',
});

export const DOCUMENT_SCHEMAS = [
  LineageStep,
  FeatureModel,
  DocumentCreateRequest,
  DocumentResponse,
  DocumentUpdateRequest,
  PatchDocumentRequest,
  ListDocumentsRequest,
  DocumentListStats,
  ListDocumentsResponse,
  BatchDocumentUpdate,
  BatchUpdateDocumentsRequest,
  BatchDocumentUpdateResult,
  BatchDocumentDeleteResult,
  BatchUpdateDocumentsResponse,
  BulkUpdateDocumentsRequest,
  BulkUpdateDocumentsResponse,
  BatchDeleteDocumentsRequest,
  BatchDeleteDocumentsResponse,
  DocumentAggregationRequest,
  DocumentAggregationResponse,
  DocumentLineageResponse,
  DocumentsByObjectResponse,
  DecompositionTreeResponse,
];

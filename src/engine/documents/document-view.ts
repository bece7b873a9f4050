// What a document shows besides its user fields: `_internal` (SPEC §13.2) and the flat legacy
// fields the docs describe (root_object_id, source_object_id, source_document_id, lineage_path,
// processing_tier, source_blobs). The presenter renders it; updates compare against it, so a
// client may send back what it read (GET → edit → PUT) and only a change to these is refused.
import type { StoredDocument } from './types.ts';

export function internalView(d: StoredDocument): Record<string, unknown> {
  return {
    namespace_id: d.namespaceId,
    collection_id: d.collectionId,
    document_id: d.documentId,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    lineage: {
      root_object_id: d.lineage.rootObjectId,
      root_bucket_id: d.lineage.rootBucketId,
      source_type: d.lineage.sourceType,
      source_object_id: d.lineage.sourceObjectId,
      source_document_id: d.lineage.sourceDocumentId,
      source_collection_id: d.lineage.sourceCollectionId,
      path: d.lineage.path,
      chain: d.lineage.chain,
    },
    processing_tier: d.processingTier,
    batch_id: d.batchId,
    source_blobs: d.sourceBlobs,
    metadata: d.internalMetadata,
  };
}

/** The system fields at the document's root, as a response shows them (vectors aside). */
export function systemView(d: StoredDocument): Record<string, unknown> {
  return {
    document_id: d.documentId,
    collection_id: d.collectionId,
    root_object_id: d.lineage.rootObjectId,
    source_object_id: d.lineage.sourceObjectId,
    source_document_id: d.lineage.sourceDocumentId,
    lineage_path: d.lineage.path,
    processing_tier: d.processingTier,
    source_blobs: d.sourceBlobs,
    document_blobs: [],
    _internal: internalView(d),
  };
}

/** Every key a user field may not take: system fields at the root, and the response's own keys. */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set([
  ...Object.keys(systemView({
    documentId: '',
    organizationInternalId: '',
    namespaceId: '',
    collectionId: '',
    fields: {},
    vectors: {},
    lineage: { rootObjectId: null, rootBucketId: null, sourceType: 'bucket', sourceObjectId: null, sourceDocumentId: null, sourceCollectionId: null, path: '', chain: [] },
    processingTier: 0,
    sourceBlobs: [],
    internalMetadata: {},
    batchId: null,
    createdAt: '',
    updatedAt: '',
  })),
  'root_bucket_id',
  'source_type',
  'source_collection_id',
  'lineage_chain',
  'created_at',
  'updated_at',
  'namespace_id',
  'score',
]);

/** What filters and aggregations see: user fields, then system fields over them. */
export function documentView(d: StoredDocument): Record<string, unknown> {
  return { ...d.fields, ...systemView(d), root_bucket_id: d.lineage.rootBucketId, source_type: d.lineage.sourceType, source_collection_id: d.lineage.sourceCollectionId, created_at: d.createdAt, updated_at: d.updatedAt, namespace_id: d.namespaceId };
}

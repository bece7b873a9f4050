// The document as the engine knows it (SPEC §13.2). Vectors are stored canonically in the metadata
// database, so any search index (issue 10) can be rebuilt from it.

export interface LineageStep {
  collection_id: string;
  feature_extractor_id: string;
  document_id: string | null;
  timestamp: string;
}

export interface DocumentLineage {
  rootObjectId: string | null;
  rootBucketId: string | null;
  sourceType: 'bucket' | 'collection';
  sourceObjectId: string | null;
  sourceDocumentId: string | null;
  sourceCollectionId: string | null;
  /** "bkt_x/col_a/col_b" */
  path: string;
  chain: LineageStep[];
}

export interface SourceBlobRef {
  blob_id: string;
  blob_property: string;
  blob_type: string;
}

export interface StoredDocument {
  documentId: string;
  organizationInternalId: string;
  namespaceId: string;
  collectionId: string;
  /** User-visible fields at the document root: passthrough fields and extractor outputs (not vectors). */
  fields: Record<string, unknown>;
  /** Vector index name → vector. */
  vectors: Record<string, Float32Array>;
  lineage: DocumentLineage;
  /** 0 for documents made from bucket objects, N for documents made from tier N-1 documents. */
  processingTier: number;
  sourceBlobs: SourceBlobRef[];
  /** _internal.metadata: ingestion_status, feature_extractor_config_hash, … */
  internalMetadata: Record<string, unknown>;
  /** The batch whose run wrote it last; null for documents created through the API. */
  batchId: string | null;
  createdAt: string;
  updatedAt: string;
}

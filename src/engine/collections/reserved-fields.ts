// Document fields the platform writes itself (SPEC §13.2): passthrough targets may not take these
// names, nor the names of the extractor's outputs or vector indexes.
export const SYSTEM_DOCUMENT_FIELDS: ReadonlySet<string> = new Set([
  'document_id', 'collection_id', 'namespace_id', 'bucket_id', 'object_id', 'internal_id', '_internal',
  'root_object_id', 'root_bucket_id', 'source_object_id', 'source_document_id', 'source_collection_id', 'source_type',
  'lineage', 'lineage_path', 'lineage_chain', 'processing_tier', 'source_blobs', 'document_blobs', 'feature_extractor_id',
  'created_at', 'updated_at', 'batch_id', 'vectors', 'score',
]);

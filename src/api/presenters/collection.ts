// Collections as Mixpeek's CollectionResponse.
import type { Collection } from '../../engine/collections/types.ts';
import type { OutputFields } from '../../engine/extractors/extractor-definition.ts';
import { extractorIdOf } from '../../engine/extractors/extractor-registry.ts';
import type { CollectionResponseBody } from '../schemas/collections.ts';

export function toCollectionResponse(c: Collection): CollectionResponseBody {
  const schema = (fields: OutputFields) => ({ properties: fields });
  const featureExtractor = {
    feature_extractor_name: c.featureExtractor.feature_extractor_name,
    version: c.featureExtractor.version,
    feature_extractor_id: extractorIdOf(c.featureExtractor.feature_extractor_name, c.featureExtractor.version),
    params: c.featureExtractor.params ?? null,
    parameters: c.featureExtractor.parameters,
    input_mappings: c.featureExtractor.input_mappings,
    field_passthrough: c.featureExtractor.field_passthrough,
    include_all_source_fields: c.featureExtractor.include_all_source_fields,
  };
  const source = {
    type: c.source.type,
    bucket_ids: c.source.type === 'bucket' ? c.source.bucketIds : null,
    collection_id: c.source.type === 'collection' && c.source.collectionIds.length === 1 ? c.source.collectionIds[0]! : null,
    collection_ids: c.source.type === 'collection' ? c.source.collectionIds : null,
    inherited_bucket_ids: c.source.inheritedBucketIds,
    source_filters: c.source.sourceFilters === null ? null : { filters: c.source.sourceFilters },
  };
  return {
    collection_id: c.collectionId,
    collection_name: c.collectionName,
    namespace_id: c.namespaceId,
    description: c.description,
    input_schema: schema(c.inputSchema),
    output_schema: schema(c.outputSchema),
    feature_extractor: featureExtractor,
    source,
    // Several source buckets have the same (compatible) schema, so one snapshot serves them all.
    source_bucket_schemas: c.source.type === 'bucket' ? Object.fromEntries(c.source.bucketIds.map((id) => [id, schema(c.inputSchema)])) : null,
    source_lineage: [{ source_config: source, feature_extractor: featureExtractor, output_schema: schema(c.outputSchema) }],
    vector_indexes: c.vectorIndexes,
    payload_indexes: [],
    enabled: c.enabled,
    metadata: c.metadata,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    // TODO(integrator, documents): the collection's document count (repos.documents.countInCollection).
    document_count: 0,
    processing_tier: c.tier,
    schema_version: c.schemaVersion,
    last_schema_sync: null,
    schema_sync_enabled: true,
    taxonomy_applications: [],
    cluster_applications: [],
    alert_applications: [],
    taxonomy_count: 0,
    retriever_count: 0,
  };
}

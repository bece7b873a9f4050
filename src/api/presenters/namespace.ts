// Namespaces as Mixpeek's NamespaceModel.
import { extractorId } from '../../engine/namespaces/namespace-config.ts';
import { vectorInferenceMap } from '../../engine/extractors/locked-models.ts';
import type { NamespaceWithCounts } from '../../engine/namespaces/types.ts';
import type { ListNamespacesResponseBody, NamespaceModelBody } from '../schemas/namespaces.ts';
import { toPagination } from './pagination.ts';

export function toNamespaceModel(ns: NamespaceWithCounts): NamespaceModelBody {
  return {
    namespace_id: ns.namespaceId,
    namespace_name: ns.namespaceName,
    infrastructure: ns.infrastructure,
    cluster_id: null,
    description: ns.description,
    feature_extractors: ns.featureExtractors.map((fe) => ({ ...fe, feature_extractor_id: extractorId(fe) })),
    payload_indexes: ns.payloadIndexes,
    document_count: ns.counts.documentCount,
    bucket_count: ns.counts.bucketCount,
    collection_count: ns.counts.collectionCount,
    object_count: ns.counts.objectCount,
    auto_create_indexes: ns.autoCreateIndexes,
    vector_inference_map: vectorInferenceMap(ns.featureExtractors),
    expires_at: ns.expiresAt,
    created_at: ns.createdAt,
    updated_at: ns.updatedAt,
  };
}

export function toNamespaceList(page: { namespaces: NamespaceWithCounts[]; total: number }, window: { limit: number; offset: number }, includeTotal: boolean): ListNamespacesResponseBody {
  const results = page.namespaces.map(toNamespaceModel);
  const n = results.length;
  const sum = (f: (ns: NamespaceWithCounts) => number) => page.namespaces.reduce((acc, ns) => acc + f(ns), 0);
  const totals = {
    total_feature_extractors: sum((ns) => ns.featureExtractors.length),
    total_payload_indexes: sum((ns) => ns.payloadIndexes.length),
    total_documents: sum((ns) => ns.counts.documentCount),
    total_buckets: sum((ns) => ns.counts.bucketCount),
    total_collections: sum((ns) => ns.counts.collectionCount),
    total_objects: sum((ns) => ns.counts.objectCount),
  };
  const avg = (total: number) => (n === 0 ? 0 : total / n);
  return {
    results,
    pagination: toPagination(window, n, includeTotal ? page.total : null),
    total_count: page.total,
    stats: {
      ...totals,
      avg_feature_extractors_per_namespace: avg(totals.total_feature_extractors),
      avg_payload_indexes_per_namespace: avg(totals.total_payload_indexes),
      avg_documents_per_namespace: avg(totals.total_documents),
      avg_buckets_per_namespace: avg(totals.total_buckets),
      avg_collections_per_namespace: avg(totals.total_collections),
      avg_objects_per_namespace: avg(totals.total_objects),
    },
  };
}

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toCollectionResponse } from '../../../presenters/collection.ts';
import { CollectionResponse, CreateCollectionRequest } from '../../../schemas/collections.ts';
import { COLLECTION_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'create_collection_v1_collections_post',
  method: 'POST',
  url: '',
  policy: COLLECTION_WRITE,
  schema: {
    tags: ['Collections'],
    summary: 'Create Collection',
    description:
      'Create a collection in the X-Namespace namespace: one feature extractor (one the namespace configured; its models are the namespace\'s) over source buckets (bucket_ids, alias bucket_id) or upstream collections (collection_id / collection_ids). input_mappings and field_passthrough are checked against the source schema, parameters against the extractor; output_schema and vector_indexes (read feature_uri there to search) are computed now. Names are unique in the namespace (409); counts against the tier\'s collection quota (403).',
    body: Type.Ref(CreateCollectionRequest),
    response: { 200: Type.Ref(CollectionResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const b = request.body;
    const collection = await request.server.services.collections.create(scope, {
      collectionName: b.collection_name,
      description: b.description ?? null,
      source: b.source,
      featureExtractor: b.feature_extractor,
      enabled: b.enabled ?? true,
      metadata: b.metadata ?? {},
      applications: { taxonomy_applications: b.taxonomy_applications ?? [], cluster_applications: b.cluster_applications ?? [], alert_applications: b.alert_applications ?? [] },
    });
    return toCollectionResponse(collection);
  },
});

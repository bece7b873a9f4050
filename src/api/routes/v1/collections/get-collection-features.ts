import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { CollectionIdentifierParams, DescribeCollectionFeaturesResponse } from '../../../schemas/collections.ts';
import { COLLECTION_READ } from './policies.ts';

export default defineOperation({
  operationId: 'describe_collection_features_v1_collections__collection_identifier__features_get',
  method: 'GET',
  url: '/:collection_identifier/features',
  policy: COLLECTION_READ,
  schema: {
    tags: ['Collections'],
    summary: 'Describe Collection Features',
    description: 'The searchable features of a collection: one per vector index, with its feature address (feature URI). Empty for passthrough collections.',
    params: CollectionIdentifierParams,
    response: { 200: Type.Ref(DescribeCollectionFeaturesResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { collection, vectorIndexes } = await request.server.services.collections.features(scope, request.params.collection_identifier);
    return {
      features: vectorIndexes.map((v, i) => ({
        feature_address: v.feature_uri,
        feature_extractor_name: collection.featureExtractor.feature_extractor_name,
        version: collection.featureExtractor.version,
        vector_index: v.index,
        primary: i === 0,
      })),
    };
  },
});

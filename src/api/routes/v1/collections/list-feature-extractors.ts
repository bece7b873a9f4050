import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toFeatureExtractorModel } from '../../../presenters/extractor.ts';
import { FeatureExtractorResponseModel } from '../../../schemas/extractors.ts';
import { CATALOGUE_READ } from './policies.ts';

export default defineOperation({
  operationId: 'list_feature_extractors_v1_collections_features_extractors_get',
  method: 'GET',
  url: '/features/extractors',
  policy: CATALOGUE_READ,
  schema: {
    tags: ['Feature Extractors'],
    summary: 'List Feature Extractors',
    description: 'Every feature extractor this deployment ships. required_vector_indexes show the models a namespace created now would lock (Mixpeek\'s multilingual-e5-large-instruct when its files are present, else the built-in lexical model).',
    response: { 200: Type.Array(Type.Ref(FeatureExtractorResponseModel), { description: 'Successful Response' }) },
  },
  handler: async (request) => {
    const { extractors, inference } = request.server.services;
    return Promise.all(extractors.extractors.map(async (e) => toFeatureExtractorModel(e, await e.lockModels(inference, null).catch(() => ({})))));
  },
});

import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../../../../engine/errors.ts';
import { defineOperation } from '../../../define-operation.ts';
import { toFeatureExtractorModel } from '../../../presenters/extractor.ts';
import { FeatureExtractorIdParams, FeatureExtractorResponseModel } from '../../../schemas/extractors.ts';
import { CATALOGUE_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_feature_extractor_v1_collections_features_extractors__feature_extractor_id__get',
  method: 'GET',
  url: '/features/extractors/:feature_extractor_id',
  policy: CATALOGUE_READ,
  schema: {
    tags: ['Feature Extractors'],
    summary: 'Get Feature Extractor',
    description: 'One catalogue entry by feature_extractor_id (name_version, e.g. text_extractor_v1); 404 for an unknown id.',
    params: FeatureExtractorIdParams,
    response: { 200: Type.Ref(FeatureExtractorResponseModel, { description: 'Successful Response' }) },
  },
  handler: async (request) => {
    const { extractors, inference } = request.server.services;
    const e = extractors.find(request.params.feature_extractor_id);
    if (!e) throw new NotFoundError('feature extractor', request.params.feature_extractor_id);
    return toFeatureExtractorModel(e, await e.lockModels(inference, null).catch(() => ({})));
  },
});

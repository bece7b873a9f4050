import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../../../../engine/errors.ts';
import { extractorIdOf } from '../../../../engine/extractors/extractor-registry.ts';
import { lockedModelsOf } from '../../../../engine/extractors/locked-models.ts';
import { defineOperation } from '../../../define-operation.ts';
import { toUnifiedExtractor } from '../../../presenters/extractor.ts';
import { NamespaceExtractorIdParams, UnifiedExtractorResponse } from '../../../schemas/extractors.ts';
import { NAMESPACE_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_namespace_extractor_v1_namespaces__namespace_id__extractors__extractor_id__get',
  method: 'GET',
  url: '/:namespace_id/extractors/:extractor_id',
  policy: NAMESPACE_READ,
  schema: {
    tags: ['Namespaces'],
    summary: 'Get Namespace Extractor',
    description: 'One extractor the namespace configured (extractor_id = name_version, e.g. text_extractor_v1), with its locked models; 404 when the namespace does not configure it.',
    params: NamespaceExtractorIdParams,
    response: { 200: Type.Ref(UnifiedExtractorResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { namespaces, extractors } = request.server.services;
    const ns = await namespaces.get(scope, request.params.namespace_id);
    const id = request.params.extractor_id;
    const fe = ns.featureExtractors.find((x) => extractorIdOf(x.feature_extractor_name, x.version) === id);
    const e = fe && extractors.get(fe.feature_extractor_name, fe.version);
    if (!fe || !e) throw new NotFoundError('feature extractor', id);
    return toUnifiedExtractor(e, fe, lockedModelsOf(fe));
  },
});

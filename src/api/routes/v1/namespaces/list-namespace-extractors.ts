import { Type } from '@sinclair/typebox';
import { lockedModelsOf } from '../../../../engine/extractors/locked-models.ts';
import { defineOperation } from '../../../define-operation.ts';
import { toUnifiedExtractor } from '../../../presenters/extractor.ts';
import { NamespaceExtractorParams, UnifiedExtractorListResponse } from '../../../schemas/extractors.ts';
import { QueryObject } from '../../../schemas/query.ts';
import { NAMESPACE_READ } from './policies.ts';

export default defineOperation({
  operationId: 'list_namespace_extractors_v1_namespaces__namespace_id__extractors_get',
  method: 'GET',
  url: '/:namespace_id/extractors',
  policy: NAMESPACE_READ,
  schema: {
    tags: ['Namespaces'],
    summary: 'List Namespace Extractors',
    description: 'The feature extractors the namespace configured, with the models and vector indexes it locked at creation. source=custom lists nothing (Tessera has no custom plugins).',
    params: NamespaceExtractorParams,
    querystring: QueryObject({
      source: Type.Optional(Type.Union([Type.Literal('builtin'), Type.Literal('custom'), Type.Literal('all')])),
      include_disabled: Type.Boolean({ default: false }),
    }),
    response: { 200: Type.Ref(UnifiedExtractorListResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { namespaces, extractors } = request.server.services;
    const ns = await namespaces.get(scope, request.params.namespace_id);
    const configured = request.query.source === 'custom' ? [] : ns.featureExtractors;
    const results = configured.flatMap((fe) => {
      const e = extractors.get(fe.feature_extractor_name, fe.version);
      return e ? [toUnifiedExtractor(e, fe, lockedModelsOf(fe))] : [];
    });
    return { success: true, extractors: results, total: results.length, namespace_id: ns.namespaceId, builtin_count: results.length, custom_count: 0 };
  },
});

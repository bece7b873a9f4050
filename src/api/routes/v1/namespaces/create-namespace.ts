import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { NAMESPACE_ADMIN } from './policies.ts';
import { toNamespaceModel } from '../../../presenters/namespace.ts';
import { CreateNamespaceRequest, NamespaceModel } from '../../../schemas/namespaces.ts';

export default defineOperation({
  operationId: 'create_namespace_v1_namespaces_post',
  method: 'POST',
  url: '',
  policy: NAMESPACE_ADMIN,
  schema: {
    tags: ['Namespaces'],
    summary: 'Create Namespace',
    description: 'Create a namespace. `feature_extractors` (and their `params`) are locked at creation; names are unique in the organization (409). Counts against the tier\'s namespace quota (403 QuotaExceededError).',
    body: Type.Ref(CreateNamespaceRequest),
    response: { 200: Type.Ref(NamespaceModel, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const body = request.body;
    const ns = await request.server.services.namespaces.create(scope, {
      namespaceName: body.namespace_name,
      description: body.description ?? null,
      featureExtractors: body.feature_extractors,
      payloadIndexes: body.payload_indexes ?? null,
      autoCreateIndexes: body.auto_create_indexes ?? false,
      infrastructure: body.infrastructure ?? null,
      ttlSeconds: body.ttl_seconds ?? null,
    });
    return toNamespaceModel(ns);
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { NAMESPACE_ADMIN } from './policies.ts';
import { toNamespaceModel } from '../../../presenters/namespace.ts';
import { NamespaceIdentifierParams, NamespaceModel, PatchNamespaceRequest } from '../../../schemas/namespaces.ts';

export default defineOperation({
  operationId: 'patch_namespace_v1_namespaces__namespace_identifier__patch',
  method: 'PATCH',
  url: '/:namespace_identifier',
  policy: NAMESPACE_ADMIN,
  schema: {
    tags: ['Namespaces'],
    summary: 'Patch Namespace',
    description: 'Change the given fields only (name, description, payload indexes, auto_create_indexes, infrastructure).',
    params: NamespaceIdentifierParams,
    body: Type.Ref(PatchNamespaceRequest),
    response: { 200: Type.Ref(NamespaceModel, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const b = request.body;
    const ns = await request.server.services.namespaces.update(scope, request.params.namespace_identifier, {
      namespaceName: b.namespace_name,
      description: b.description,
      payloadIndexes: b.payload_indexes,
      autoCreateIndexes: b.auto_create_indexes,
      infrastructure: b.infrastructure,
    });
    return toNamespaceModel(ns);
  },
});

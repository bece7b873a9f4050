import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { NAMESPACE_ADMIN } from './policies.ts';
import { toNamespaceModel } from '../../../presenters/namespace.ts';
import { NamespaceIdentifierParams, NamespaceModel, UpdateNamespaceRequest } from '../../../schemas/namespaces.ts';

export default defineOperation({
  operationId: 'update_namespace_v1_namespaces__namespace_identifier__put',
  method: 'PUT',
  url: '/:namespace_identifier',
  policy: NAMESPACE_ADMIN,
  schema: {
    tags: ['Namespaces'],
    summary: 'Update Namespace',
    description: 'Rename the namespace and/or replace its payload indexes. Feature extractors cannot change.',
    params: NamespaceIdentifierParams,
    body: Type.Ref(UpdateNamespaceRequest),
    response: { 200: Type.Ref(NamespaceModel, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const { namespace_name, payload_indexes } = request.body;
    const ns = await request.server.services.namespaces.update(scope, request.params.namespace_identifier, { namespaceName: namespace_name, payloadIndexes: payload_indexes });
    return toNamespaceModel(ns);
  },
});

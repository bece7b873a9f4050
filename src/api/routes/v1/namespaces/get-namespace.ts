import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { NAMESPACE_READ } from './policies.ts';
import { toNamespaceModel } from '../../../presenters/namespace.ts';
import { NamespaceIdentifierParams, NamespaceModel } from '../../../schemas/namespaces.ts';

export default defineOperation({
  operationId: 'get_namespace_v1_namespaces__namespace_identifier__get',
  method: 'GET',
  url: '/:namespace_identifier',
  policy: NAMESPACE_READ,
  schema: {
    tags: ['Namespaces'],
    summary: 'Get Namespace',
    description: 'A namespace by id or name, with counts of what it holds.',
    params: NamespaceIdentifierParams,
    response: { 200: Type.Ref(NamespaceModel, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toNamespaceModel(await request.server.services.namespaces.get(scope, request.params.namespace_identifier)),
});

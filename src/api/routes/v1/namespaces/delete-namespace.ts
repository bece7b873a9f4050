import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { NAMESPACE_DELETE } from './policies.ts';
import { DeleteNamespaceResponse, NamespaceIdentifierParams } from '../../../schemas/namespaces.ts';

export default defineOperation({
  operationId: 'delete_namespace_v1_namespaces__namespace_identifier__delete',
  method: 'DELETE',
  url: '/:namespace_identifier',
  policy: NAMESPACE_DELETE,
  schema: {
    tags: ['Namespaces'],
    summary: 'Delete Namespace',
    description:
      'Asynchronous and irreversible: the namespace disappears from every route at once and its name is free again; a task (poll GET /v1/tasks/{task_id}) removes its buckets, objects, blobs and uploads.',
    params: NamespaceIdentifierParams,
    response: { 200: Type.Ref(DeleteNamespaceResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { namespace, taskId } = await request.server.services.namespaces.delete(scope, request.params.namespace_identifier);
    return { message: 'Namespace deletion started', namespace_id: namespace.namespaceId, namespace_name: namespace.namespaceName, task_id: taskId, status: 'PENDING' };
  },
});

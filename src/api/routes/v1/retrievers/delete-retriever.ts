import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { DeleteRetrieverResponse, RetrieverIdParams } from '../../../schemas/retrievers.ts';
import { RETRIEVER_DELETE } from './policies.ts';

export default defineOperation({
  operationId: 'delete_retriever_v1_retrievers__retriever_id__delete',
  method: 'DELETE',
  url: '/:retriever_id',
  policy: RETRIEVER_DELETE,
  schema: {
    tags: ['Retrievers'],
    summary: 'Delete Retriever',
    description: 'Synchronous and irreversible: the retriever and its executions history.',
    params: RetrieverIdParams,
    response: { 200: Type.Ref(DeleteRetrieverResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const r = await request.server.services.retrievers.delete(scope, request.params.retriever_id);
    return { success: true, retriever_id: r.retrieverId, retriever_name: r.retrieverName, message: `Retriever '${r.retrieverName}' deleted` };
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toRetrieverModel } from '../../../presenters/retriever.ts';
import { RetrieverIdParams, RetrieverModelOutput } from '../../../schemas/retrievers.ts';
import { RETRIEVER_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_retriever_v1_retrievers__retriever_id__get',
  method: 'GET',
  url: '/:retriever_id',
  policy: RETRIEVER_READ,
  schema: {
    tags: ['Retrievers'],
    summary: 'Get Retriever',
    description: 'A retriever of the X-Namespace namespace by id or name.',
    params: RetrieverIdParams,
    response: { 200: Type.Ref(RetrieverModelOutput, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toRetrieverModel(await request.server.services.retrievers.get(scope, request.params.retriever_id)),
});

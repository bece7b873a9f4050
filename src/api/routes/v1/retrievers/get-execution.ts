import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toStoredExecutionDetail } from '../../../presenters/retriever.ts';
import { ExecutionDetail, RetrieverExecutionParams } from '../../../schemas/retrievers.ts';
import { RETRIEVER_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_execution_v1_retrievers__retriever_id__executions__execution_id__get',
  method: 'GET',
  url: '/:retriever_id/executions/:execution_id',
  policy: RETRIEVER_READ,
  schema: {
    tags: ['Retrievers'],
    summary: 'Get Execution',
    description: 'One execution of the retriever as recorded: status, stage_statistics, credits, inputs and their SHA-1. The documents it returned are not kept (documents is empty).',
    params: RetrieverExecutionParams,
    response: { 200: Type.Ref(ExecutionDetail, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) =>
    toStoredExecutionDetail(await request.server.services.retrieverExecutions.getExecution(scope, request.params.retriever_id, request.params.execution_id)),
});

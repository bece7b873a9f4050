import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toAdhocDetail } from '../../../presenters/retriever.ts';
import { AdhocExecutionDetail, ExecutionIdParams } from '../../../schemas/retrievers.ts';
import { RETRIEVER_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_adhoc_execution_v1_retrievers_executions__execution_id__get',
  method: 'GET',
  url: '/executions/:execution_id',
  policy: RETRIEVER_READ,
  schema: {
    tags: ['Retrievers'],
    summary: 'Get Ad-hoc Execution',
    description: 'One ad-hoc execution of the X-Namespace namespace, with its inputs and their SHA-1; 404 when unknown or not ad-hoc.',
    params: ExecutionIdParams,
    response: { 200: Type.Ref(AdhocExecutionDetail, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toAdhocDetail(await request.server.services.retrieverExecutions.getExecution(scope, null, request.params.execution_id)),
});

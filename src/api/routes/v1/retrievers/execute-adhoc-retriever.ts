import { Type } from '@sinclair/typebox';
import { parseExecutionRequest } from '../../../../engine/retrievers/execution-request.ts';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { answerExecution } from '../../../requests/retriever-execution.ts';
import { AdhocExecuteRequest, ExecuteQuery, ExecutionDetail } from '../../../schemas/retrievers.ts';
import { RETRIEVER_EXECUTE } from './policies.ts';

export default defineOperation({
  operationId: 'execute_adhoc_retriever_v1_retrievers_execute_post',
  method: 'POST',
  url: '/execute',
  policy: RETRIEVER_EXECUTE,
  schema: {
    tags: ['Retrievers'],
    summary: 'Execute Ad-hoc Retriever',
    description:
      'Run a pipeline without storing a retriever: collections, input_schema and stages are checked as a create checks them, then run as an execute runs (same response, same streaming, same credits). Only the execution is kept (the namespace\'s ad-hoc history, its newest 1,000). The response carries X-Execution-Mode: adhoc.',
    querystring: ExecuteQuery,
    body: Type.Ref(AdhocExecuteRequest),
    response: {
      200: {
        description: 'Successful Response (application/json), or the event stream (text/event-stream) with stream: true',
        content: { 'application/json': { schema: Type.Ref(ExecutionDetail) }, 'text/event-stream': { schema: Type.String({ description: '`data: {json}` frames, then `data: [DONE]`' }) } },
      },
      402: errorResponse(402),
    },
  },
  handler: async (request, scope, reply) => {
    const body = request.body;
    const executionRequest = parseExecutionRequest(body, request.query.return_vectors);
    return answerExecution(request, reply, {
      stream: body.stream === true,
      adhoc: true,
      run: (options) => request.server.services.retrieverExecutions.executeAdhoc(scope, body as Record<string, unknown>, executionRequest, options),
    });
  },
});

import { Type } from '@sinclair/typebox';
import { parseExecutionRequest } from '../../../../engine/retrievers/execution-request.ts';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { answerExecution } from '../../../requests/retriever-execution.ts';
import { ExecuteQuery, ExecuteRetrieverRequest, ExecutionDetail, RetrieverIdParams } from '../../../schemas/retrievers.ts';
import { RETRIEVER_EXECUTE } from './policies.ts';

export default defineOperation({
  operationId: 'execute_retriever_v1_retrievers__retriever_id__execute_post',
  method: 'POST',
  url: '/:retriever_id/execute',
  optionalBody: true,
  policy: RETRIEVER_EXECUTE,
  schema: {
    tags: ['Retrievers'],
    summary: 'Execute Retriever',
    description:
      'Run a retriever (id or name) with inputs checked against its input_schema (422 naming each missing or bad input). Answers the ExecutionDetail: documents (and the same list as results) after the final stage, paged as asked (pagination; or the docs\' top-level limit/offset), stage_statistics per stage, and the budget with credits_used and the organization\'s credits_remaining. Credits: what the stages used (knn search 0.1, hybrid 0.2 per query), charged to the organization (402 when its balance cannot cover the reservation). stream: true answers text/event-stream: one `data: {json}` frame per event (stage_start, stage_complete, stage_error, execution_complete or execution_error), then `data: [DONE]`. Each execution is kept in the retriever\'s history (its newest 1,000).',
    params: RetrieverIdParams,
    querystring: ExecuteQuery,
    body: Type.Optional(Type.Ref(ExecuteRetrieverRequest)),
    response: {
      200: {
        description: 'Successful Response (application/json), or the event stream (text/event-stream) with stream: true',
        content: { 'application/json': { schema: Type.Ref(ExecutionDetail) }, 'text/event-stream': { schema: Type.String({ description: '`data: {json}` frames, then `data: [DONE]`' }) } },
      },
      402: errorResponse(402),
    },
  },
  handler: async (request, scope, reply) => {
    const body = request.body ?? {};
    const executionRequest = parseExecutionRequest(body, request.query.return_vectors);
    return answerExecution(request, reply, {
      stream: body.stream === true,
      adhoc: false,
      run: (options) => request.server.services.retrieverExecutions.execute(scope, request.params.retriever_id, executionRequest, options),
    });
  },
});

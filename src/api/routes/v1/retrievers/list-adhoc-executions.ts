import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toAdhocSummary } from '../../../presenters/retriever.ts';
import { ExecutionsPagingQuery, ListAdhocExecutionsRequest, ListAdhocExecutionsResponse } from '../../../schemas/retrievers.ts';
import { RETRIEVER_READ } from './policies.ts';

export default defineOperation({
  operationId: 'list_adhoc_executions_v1_retrievers_executions_list_post',
  method: 'POST',
  url: '/executions/list',
  optionalBody: true,
  policy: RETRIEVER_READ,
  schema: {
    tags: ['Retrievers'],
    summary: 'List Ad-hoc Executions',
    description: 'The X-Namespace namespace\'s ad-hoc executions (POST /v1/retrievers/execute), newest first (its newest 1,000 are kept), optionally of one status and within start_time..end_time.',
    querystring: ExecutionsPagingQuery,
    body: Type.Optional(Type.Ref(ListAdhocExecutionsRequest)),
    response: { 200: Type.Ref(ListAdhocExecutionsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const b = request.body ?? {};
    const { limit, offset } = request.query;
    const filter = {
      ...(b.status ? { status: b.status } : {}),
      ...(b.start_time ? { startTime: new Date(b.start_time).toISOString() } : {}),
      ...(b.end_time ? { endTime: new Date(b.end_time).toISOString() } : {}),
    };
    const { executions, total } = await request.server.services.retrieverExecutions.listExecutions(scope, null, filter, limit, offset);
    return { results: executions.slice(0, limit).map(toAdhocSummary), total, pagination: { total, limit, offset, has_next: offset + limit < total } };
  },
});

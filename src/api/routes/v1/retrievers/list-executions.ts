import { Type } from '@sinclair/typebox';
import { BadRequestError } from '../../../../engine/errors.ts';
import { defineOperation } from '../../../define-operation.ts';
import { toExecutionSummary } from '../../../presenters/retriever.ts';
import { ExecutionsPagingQuery, ListExecutionsRequest, ListExecutionsResponse, RetrieverIdParams } from '../../../schemas/retrievers.ts';
import { RETRIEVER_READ } from './policies.ts';

export default defineOperation({
  operationId: 'list_executions_v1_retrievers__retriever_id__executions_list_post',
  method: 'POST',
  url: '/:retriever_id/executions/list',
  optionalBody: true,
  policy: RETRIEVER_READ,
  schema: {
    tags: ['Retrievers'],
    summary: 'List Executions',
    description: 'The retriever\'s executions, newest first (its newest 1,000 are kept), optionally of one status (completed, failed); offset paging in the query string.',
    params: RetrieverIdParams,
    querystring: ExecutionsPagingQuery,
    body: Type.Optional(Type.Ref(ListExecutionsRequest)),
    response: { 200: Type.Ref(ListExecutionsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const b = request.body ?? {};
    if (b.filters && Object.keys(b.filters).length > 0) throw new BadRequestError('filters are not supported on executions lists: use status', { field: 'filters' }, 'unsupported_field');
    if (b.sorts && b.sorts.length > 0) throw new BadRequestError('sorts are not supported on executions lists: they are newest first', { field: 'sorts' }, 'unsupported_field');
    const { limit, offset } = request.query;
    const { executions, total } = await request.server.services.retrieverExecutions.listExecutions(scope, request.params.retriever_id, b.status ? { status: b.status } : {}, limit, offset);
    return { results: executions.slice(0, limit).map(toExecutionSummary), pagination: { total, limit, offset, has_next: offset + limit < total } };
  },
});

import { Type } from '@sinclair/typebox';
import { parseListQuery, toPage } from '../../../../engine/query/index.ts';
import { defineOperation } from '../../../define-operation.ts';
import { toRetrieverModel } from '../../../presenters/retriever.ts';
import { ListPagingQuery } from '../../../schemas/pagination.ts';
import { ListRetrieversRequest, ListRetrieversResponse } from '../../../schemas/retrievers.ts';
import { RETRIEVER_READ } from './policies.ts';

export default defineOperation({
  operationId: 'list_retrievers_v1_retrievers_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: RETRIEVER_READ,
  schema: {
    tags: ['Retrievers'],
    summary: 'List Retrievers',
    description: 'Retrievers of the X-Namespace namespace: LogicalOperator filters, sorts (default newest first), search (id, name, description, tags), offset paging in the query string. total counts every match.',
    querystring: ListPagingQuery,
    body: Type.Optional(Type.Ref(ListRetrieversRequest)),
    response: { 200: Type.Ref(ListRetrieversResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const b = request.body ?? {};
    const { limit, offset, cursor, include_total } = request.query;
    const parsed = parseListQuery(
      { filters: b.filters ?? undefined, sort: b.sorts ?? b.sort ?? undefined, search: b.search ?? undefined, case_sensitive: b.case_sensitive ?? false, limit, offset, cursor, include_total },
      { limit: 10, maxLimit: 1000 },
    );
    const query = parsed.sort.length > 0 ? parsed : { ...parsed, sort: [{ field: 'created_at', direction: 'desc' as const }] };
    const { retrievers, total } = await request.server.services.retrievers.list(scope, query);
    const page = toPage({ ...query, includeTotal: true }, retrievers, total);
    return { results: page.results.map(toRetrieverModel), total, pagination: page.pagination };
  },
});

import { Type } from '@sinclair/typebox';
import { parseListQuery, toPage } from '../../../../engine/query/index.ts';
import { defineOperation } from '../../../define-operation.ts';
import { toCollectionResponse } from '../../../presenters/collection.ts';
import { ListCollectionsRequest, ListCollectionsResponse } from '../../../schemas/collections.ts';
import { ListPagingQuery } from '../../../schemas/pagination.ts';
import { COLLECTION_READ } from './policies.ts';

export default defineOperation({
  operationId: 'list_collections_v1_collections_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: COLLECTION_READ,
  schema: {
    tags: ['Collections'],
    summary: 'List Collections',
    description: 'Collections of the X-Namespace namespace: LogicalOperator filters, sort (default newest first), search (id, name, description), offset paging in the query string; stats over the namespace.',
    querystring: ListPagingQuery,
    body: Type.Optional(Type.Ref(ListCollectionsRequest)),
    response: { 200: Type.Ref(ListCollectionsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const b = request.body ?? {};
    const { limit, offset, include_total } = request.query;
    const parsed = parseListQuery(
      { filters: b.filters ?? undefined, sort: b.sort ?? undefined, search: b.search ?? undefined, case_sensitive: b.case_sensitive ?? false, limit, offset, include_total },
      { limit: 10, maxLimit: 1000 },
    );
    const query = parsed.sort.length > 0 ? parsed : { ...parsed, sort: [{ field: 'created_at', direction: 'desc' as const }] };
    const { collections, total, stats } = await request.server.services.collections.list(scope, query);
    const page = toPage(query, collections, total);
    return { results: page.results.map(toCollectionResponse), pagination: page.pagination, total_count: total, stats };
  },
});

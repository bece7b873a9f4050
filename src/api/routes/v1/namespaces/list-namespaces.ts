import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { NAMESPACE_READ } from './policies.ts';
import { toNamespaceList } from '../../../presenters/namespace.ts';
import { ListNamespacesRequest, ListNamespacesResponse } from '../../../schemas/namespaces.ts';
import { ListPagingQuery } from '../../../schemas/pagination.ts';

const filterValue = (v: string | { $eq: string } | undefined) => (v === undefined ? undefined : typeof v === 'string' ? v : v.$eq);

export default defineOperation({
  operationId: 'list_namespaces_v1_namespaces_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: NAMESPACE_READ,
  schema: {
    tags: ['Namespaces'],
    summary: 'List Namespaces',
    description: 'The namespaces the key may see: filters by id or name, search, sort, offset paging.',
    querystring: ListPagingQuery,
    body: Type.Optional(Type.Ref(ListNamespacesRequest)),
    response: { 200: Type.Ref(ListNamespacesResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const body = request.body ?? {};
    const { limit, offset, include_total } = request.query;
    const namespaceId = filterValue(body.filters?.namespace_id);
    const namespaceName = filterValue(body.filters?.namespace_name);
    const page = await request.server.services.namespaces.list(scope, {
      ...(namespaceId !== undefined ? { namespaceId } : {}),
      ...(namespaceName !== undefined ? { namespaceName } : {}),
      ...(body.search ? { search: body.search } : {}),
      caseSensitive: body.case_sensitive ?? false,
      sortField: body.sort?.field ?? 'created_at',
      sortDirection: body.sort?.direction ?? (body.sort ? 'asc' : 'desc'),
      limit,
      offset,
    });
    return toNamespaceList(page, { limit, offset }, include_total);
  },
});

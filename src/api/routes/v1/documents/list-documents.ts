import { Type } from '@sinclair/typebox';
import { BadRequestError } from '../../../../engine/errors.ts';
import { toPage } from '../../../../engine/query/pagination.ts';
import { defineOperation } from '../../../define-operation.ts';
import { selectDocumentKeys, toDocumentResponse } from '../../../presenters/document.ts';
import { CollectionDocumentsParams, ListDocumentsRequest, ListDocumentsResponse } from '../../../schemas/documents.ts';
import { ListPagingQuery } from '../../../schemas/pagination.ts';
import { DOCUMENT_READ } from './policies.ts';

export default defineOperation({
  operationId: 'list_documents_v1_collections__collection_identifier__documents_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: DOCUMENT_READ,
  schema: {
    tags: ['Collection Documents'],
    summary: 'List Documents',
    description:
      'Documents of the collection: LogicalOperator filters (user fields, system and _internal.lineage.* paths), sort (default newest first), search, select, limit/offset or cursor paging (next_cursor), return_vectors; stats over every match.',
    params: CollectionDocumentsParams,
    querystring: ListPagingQuery,
    body: Type.Optional(Type.Ref(ListDocumentsRequest)),
    response: { 200: Type.Ref(ListDocumentsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const b = request.body ?? {};
    if (b.group_by) throw new BadRequestError('group_by is not supported on document lists; use POST …/documents/aggregate', { field: 'group_by' }, 'unsupported');
    const { limit, offset, include_total } = request.query;
    const cursor = b.cursor ?? request.query.cursor ?? null;
    const page = await request.server.services.documents.list(scope, request.params.collection_identifier, {
      filters: b.filters ?? null,
      sort: b.sort ?? null,
      search: b.search ?? null,
      case_sensitive: b.case_sensitive ?? false,
      limit,
      offset,
      cursor,
      include_total,
      return_vectors: b.return_vectors ?? false,
    });
    const shaped = toPage(page.query, page.documents, page.total);
    return {
      results: shaped.results.map((d) => selectDocumentKeys(toDocumentResponse(d, { withVectors: b.return_vectors === true }), b.select)),
      pagination: shaped.pagination,
      stats: {
        total_documents: page.total,
        avg_blobs_per_document: page.total === 0 ? 0 : page.totalSourceBlobs / page.total,
        total_groups: null,
        avg_documents_per_group: null,
      },
      group_by_field: null,
    };
  },
});

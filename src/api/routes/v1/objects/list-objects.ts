import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toPagination } from '../../../presenters/pagination.ts';
import { selectKeys, toObjectResponse } from '../../../presenters/object.ts';
import { ListPagingQuery } from '../../../schemas/pagination.ts';
import { BucketParams, ListObjectsRequest, ListObjectsResponse } from '../../../schemas/objects.ts';
import { OBJECT_READ } from '../buckets/policies.ts';

export default defineOperation({
  operationId: 'list_objects_v1_buckets__bucket_identifier__objects_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: OBJECT_READ,
  schema: {
    tags: ['Bucket Objects'],
    summary: 'List Objects',
    description: 'Objects of the bucket: LogicalOperator filters, sort (default newest first), search, select, offset paging; stats over every match.',
    params: BucketParams,
    querystring: ListPagingQuery,
    body: Type.Optional(Type.Ref(ListObjectsRequest)),
    response: { 200: Type.Ref(ListObjectsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const b = request.body ?? {};
    const { limit, offset, include_total } = request.query;
    const page = await request.server.services.objects.list(scope, request.params.bucket_identifier, {
      filters: b.filters ?? null,
      sort: b.sort ?? null,
      search: b.search ?? null,
      caseSensitive: b.case_sensitive ?? false,
      limit,
      offset,
    });
    return {
      results: page.objects.map((o) => selectKeys(toObjectResponse(o), b.select)),
      pagination: toPagination({ limit, offset }, page.objects.length, include_total ? page.total : null),
      total_count: page.total,
      stats: {
        total_objects: page.total,
        total_blobs: page.totalBlobs,
        avg_blobs_per_object: page.total === 0 ? 0 : page.totalBlobs / page.total,
        objects_by_status: page.objectsByStatus,
      },
    };
  },
});

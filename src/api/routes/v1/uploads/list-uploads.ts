import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toPagination } from '../../../presenters/pagination.ts';
import { toUploadResponse } from '../../../presenters/upload.ts';
import { BucketParams, ListUploadsRequest, ListUploadsResponse, UploadListQuery } from '../../../schemas/uploads.ts';
import { parseUploadFilters } from '../../../requests/upload-list-filters.ts';
import { UPLOAD_READ } from './policies.ts';
import { BadRequestError } from '../../../../engine/errors.ts';

const SORT_FIELDS = ['created_at', 'filename', 'file_size_bytes', 'status', 'expires_at', 'completed_at'] as const;

export default defineOperation({
  operationId: 'list_uploads_v1_buckets__bucket_identifier__uploads_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: UPLOAD_READ,
  schema: {
    tags: ['Bucket Uploads'],
    summary: 'List Uploads',
    description: "The bucket's uploads: shorthand filters, search over filename and metadata, sort (default created_at desc), limit 20 (1-100) and offset in the body (or the query), with stats over every match. Uploads past their URL expiry are marked FAILED first.",
    params: BucketParams,
    querystring: UploadListQuery,
    body: Type.Optional(Type.Ref(ListUploadsRequest)),
    response: { 200: Type.Ref(ListUploadsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const body = request.body ?? {};
    const limit = body.limit ?? request.query.limit ?? 20;
    const offset = body.offset ?? request.query.offset ?? 0;
    const sortField = body.sort?.field ?? 'created_at';
    if (!(SORT_FIELDS as readonly string[]).includes(sortField)) throw new BadRequestError(`uploads cannot be sorted by '${sortField}'`, { field: 'sort', allowed: [...SORT_FIELDS] });
    const page = await request.server.services.uploads.list(
      scope,
      request.params.bucket_identifier,
      {
        ...parseUploadFilters(body.filters),
        ...(body.search ? { search: body.search } : {}),
        sortField: sortField as (typeof SORT_FIELDS)[number],
        sortDirection: body.sort?.direction ?? (body.sort ? 'asc' : 'desc'),
        limit,
        offset,
      },
      body.return_presigned_urls ?? false,
    );
    const { stats } = page;
    return {
      results: page.uploads.map(toUploadResponse),
      pagination: toPagination({ limit, offset }, page.uploads.length, request.query.include_total ? page.total : null),
      stats: {
        total_uploads: stats.totalUploads,
        total_size_bytes: stats.totalSizeBytes,
        uploads_by_status: stats.uploadsByStatus,
        avg_file_size_bytes: stats.totalUploads > 0 ? stats.totalSizeBytes / stats.totalUploads : 0,
        unique_buckets: stats.uniqueBuckets,
      },
    };
  },
});

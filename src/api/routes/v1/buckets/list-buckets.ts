import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toBucketList } from '../../../presenters/bucket.ts';
import { ListBucketsRequest, ListBucketsResponse } from '../../../schemas/buckets.ts';
import { BUCKET_READ } from './policies.ts';

type FilterValue = string | string[] | { $eq?: string | undefined; $in?: string[] | undefined } | undefined;
const values = (v: FilterValue): string[] | undefined => {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v;
  return [...(v.$eq !== undefined ? [v.$eq] : []), ...(v.$in ?? [])];
};

export default defineOperation({
  operationId: 'list_buckets_v1_buckets_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: BUCKET_READ,
  schema: {
    tags: ['Buckets'],
    summary: 'List Buckets',
    description:
      'Buckets of the X-Namespace namespace; without the header, of every namespace the key reaches (each result carries namespace_id). Paging is in the body (limit 1-1000, default 10; offset).',
    body: Type.Optional(Type.Ref(ListBucketsRequest)),
    response: { 200: Type.Ref(ListBucketsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const b = request.body ?? {};
    const limit = b.limit ?? 10;
    const offset = b.offset ?? 0;
    const bucketIds = values(b.filters?.bucket_id);
    const bucketNames = values(b.filters?.bucket_name);
    const page = await request.server.services.buckets.list(scope, {
      ...(bucketIds ? { bucketIds } : {}),
      ...(bucketNames ? { bucketNames } : {}),
      ...(b.search ? { search: b.search } : {}),
      caseSensitive: b.case_sensitive ?? false,
      sortField: b.sort?.field ?? 'created_at',
      sortDirection: b.sort?.direction ?? (b.sort ? 'asc' : 'desc'),
      limit,
      offset,
    });
    return toBucketList(page, { limit, offset });
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toBatchModel } from '../../../presenters/batch.ts';
import { BatchBucketParams, ListBatchesRequest, ListBatchesResponse } from '../../../schemas/batches.ts';
import { BATCH_READ } from './policies.ts';
import type { BatchStatus } from '../../../../engine/batches/types.ts';

export default defineOperation({
  operationId: 'list_batches_v1_buckets__bucket_identifier__batches_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: BATCH_READ,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'List Batches',
    description: 'The bucket\'s batches, newest first; paging in the body (limit 1-1000, default 100; offset).',
    params: BatchBucketParams,
    body: Type.Optional(Type.Ref(ListBatchesRequest)),
    response: { 200: Type.Ref(ListBatchesResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const b = request.body ?? {};
    const { batches, total } = await request.server.services.batches.list(scope, request.params.bucket_identifier, {
      ...(b.status ? { status: b.status as BatchStatus } : {}),
      limit: b.limit ?? 100,
      offset: b.offset ?? 0,
    });
    return { results: batches.map(toBatchModel), total_count: total };
  },
});

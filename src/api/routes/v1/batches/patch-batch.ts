import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toBatchModel } from '../../../presenters/batch.ts';
import { BatchModel, BatchParams, PatchBatchRequest } from '../../../schemas/batches.ts';
import { BATCH_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'patch_batch_v1_buckets__bucket_identifier__batches__batch_id__patch',
  method: 'PATCH',
  url: '/:batch_id',
  policy: BATCH_WRITE,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'Partially Update Batch',
    description: 'Replaces the batch\'s metadata (null or absent: unchanged). Nothing else of a batch changes this way.',
    params: BatchParams,
    body: Type.Ref(PatchBatchRequest),
    response: { 200: Type.Ref(BatchModel, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, batch_id } = request.params;
    return toBatchModel(await request.server.services.batches.patch(scope, bucket_identifier, batch_id, request.body.metadata ?? null));
  },
});

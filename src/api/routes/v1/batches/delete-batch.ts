import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { BatchParams } from '../../../schemas/batches.ts';
import { GenericDeleteResponse } from '../../../schemas/tasks.ts';
import { BATCH_DELETE } from './policies.ts';

export default defineOperation({
  operationId: 'delete_batch_v1_buckets__bucket_identifier__batches__batch_id__delete',
  method: 'DELETE',
  url: '/:batch_id',
  policy: BATCH_DELETE,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'Delete Batch',
    description: 'Deletes the batch record; a running batch is canceled first. Documents it wrote stay in their collections.',
    params: BatchParams,
    response: { 200: Type.Ref(GenericDeleteResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, batch_id } = request.params;
    await request.server.services.batches.delete(scope, bucket_identifier, batch_id);
    return { message: 'Successfully deleted', success: true };
  },
});

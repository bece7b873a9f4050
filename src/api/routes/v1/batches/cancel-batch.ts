import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toTaskResponse } from '../../../presenters/task.ts';
import { BatchParams } from '../../../schemas/batches.ts';
import { TaskResponse } from '../../../schemas/tasks.ts';
import { BATCH_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'cancel_batch_v1_buckets__bucket_identifier__batches__batch_id__cancel_post',
  method: 'POST',
  url: '/:batch_id/cancel',
  policy: BATCH_WRITE,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'Cancel Batch',
    description:
      'PENDING/IN_PROGRESS → CANCELED: queued chunks are canceled, running ones stop at their next heartbeat and write nothing (their credits come back); documents already written stay. Answers the batch\'s task (CANCELED). A finished batch is left as it is; a DRAFT batch is 400.',
    params: BatchParams,
    response: { 200: Type.Ref(TaskResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, batch_id } = request.params;
    const task = await request.server.services.batches.cancel(scope, bucket_identifier, batch_id);
    return toTaskResponse(task!);
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toTaskResponse } from '../../../presenters/task.ts';
import { BatchParams, SubmitBatchRequest } from '../../../schemas/batches.ts';
import { TaskResponse } from '../../../schemas/tasks.ts';
import { BATCH_COMPUTE } from './policies.ts';

export default defineOperation({
  operationId: 'submit_batch_v1_buckets__bucket_identifier__batches__batch_id__submit_post',
  method: 'POST',
  url: '/:batch_id/submit',
  optionalBody: true,
  policy: BATCH_COMPUTE,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'Submit Batch for Processing',
    description:
      'DRAFT → PENDING: resolves the collection DAG into tiers (tier 0: collections sourced from the bucket; tier N: those sourced from tier N-1; collection_ids limits the run) and queues the work; poll the returned task or GET the batch. 400 when no collection processes the bucket. Submitting a batch that is still running answers its task again; a finished batch is 409 (retry it instead). Credits are spent per extractor as chunks run.',
    params: BatchParams,
    body: Type.Optional(Type.Ref(SubmitBatchRequest)),
    response: { 200: Type.Ref(TaskResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, batch_id } = request.params;
    const b = request.body ?? {};
    const task = await request.server.services.batches.submit(scope, bucket_identifier, batch_id, {
      collectionIds: b.collection_ids ?? null,
      includeProcessingHistory: b.include_processing_history ?? true,
    });
    return toTaskResponse(task);
  },
});

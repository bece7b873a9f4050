import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toBatchModel } from '../../../presenters/batch.ts';
import { BatchModel, BatchParams } from '../../../schemas/batches.ts';
import { BATCH_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_batch_v1_buckets__bucket_identifier__batches__batch_id__get',
  method: 'GET',
  url: '/:batch_id',
  policy: BATCH_READ,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'Get Batch Configuration',
    description: 'The batch with its progress: status, current_tier, tier_tasks (per tier: task, status, extractor_jobs, the funnel counters, errors as BatchErrorDetail).',
    params: BatchParams,
    response: { 200: Type.Ref(BatchModel, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, batch_id } = request.params;
    return toBatchModel(await request.server.services.batches.get(scope, bucket_identifier, batch_id));
  },
});

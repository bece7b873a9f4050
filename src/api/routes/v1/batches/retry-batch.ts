import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toRetryResponse } from '../../../presenters/batch.ts';
import { BatchParams, RetryBatchRequest, RetryBatchResponse } from '../../../schemas/batches.ts';
import { BATCH_COMPUTE } from './policies.ts';

export default defineOperation({
  operationId: 'retry_batch_v1_buckets__bucket_identifier__batches__batch_id__retry_post',
  method: 'POST',
  url: '/:batch_id/retry',
  policy: BATCH_COMPUTE,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'Retry Failed Documents',
    description:
      'Runs failed items of a finished batch again: transient_only (network and resource failures: outages, exhausted credits, quotas) or all, optionally only some tiers, leaving out items already retried max_retry_count times. They run from the first tier they failed in through the tiers after it; documents keep their ids. 409 while the batch runs; 400 for DRAFT or CANCELED batches.',
    params: BatchParams,
    body: Type.Optional(Type.Ref(RetryBatchRequest)),
    response: { 200: Type.Ref(RetryBatchResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, batch_id } = request.params;
    const b = request.body ?? {};
    const retryMode = b.retry_mode ?? 'transient_only';
    const report = await request.server.services.batches.retry(scope, bucket_identifier, batch_id, { retryMode, tierNums: b.tier_nums ?? null, maxRetryCount: b.max_retry_count ?? 3 });
    return toRetryResponse(report, retryMode);
  },
});

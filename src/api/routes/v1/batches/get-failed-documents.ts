import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toFailedDocuments } from '../../../presenters/batch.ts';
import { BatchParams, FailedDocumentsQuery, FailedDocumentsResponse } from '../../../schemas/batches.ts';
import { BATCH_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_failed_documents_v1_buckets__bucket_identifier__batches__batch_id__failed_documents_get',
  method: 'GET',
  url: '/:batch_id/failed-documents',
  policy: BATCH_READ,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'Get Failed Documents for Batch',
    description: 'The source items the batch could not process (objects at tier 0, upstream documents above), with their error category, message, stage and retry count; filter by tier_num and collection_id.',
    params: BatchParams,
    querystring: FailedDocumentsQuery,
    response: { 200: Type.Ref(FailedDocumentsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, batch_id } = request.params;
    const q = request.query;
    const page = await request.server.services.batches.failedDocuments(scope, bucket_identifier, batch_id, {
      ...(q.tier_num !== undefined ? { tierNum: q.tier_num } : {}),
      ...(q.collection_id !== undefined ? { collectionId: q.collection_id } : {}),
      limit: q.limit,
      offset: q.offset,
    });
    return toFailedDocuments(page);
  },
});

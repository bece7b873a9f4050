import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { BatchConfirmRequest, BatchConfirmResponse, BucketParams } from '../../../schemas/uploads.ts';
import { UPLOAD_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'confirm_uploads_batch_v1_buckets__bucket_identifier__uploads_confirm_batch_post',
  method: 'POST',
  url: '/confirm/batch',
  policy: UPLOAD_WRITE,
  schema: {
    tags: ['Bucket Uploads'],
    summary: 'Confirm Uploads Batch',
    description: 'Always asynchronous: marks the listed PENDING uploads PROCESSING and confirms them in one task (poll GET /v1/tasks/{task_id}).',
    params: BucketParams,
    body: Type.Ref(BatchConfirmRequest),
    response: { 200: Type.Ref(BatchConfirmResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const items = request.body.confirmations.map((c) => ({ uploadId: c.upload_id, etag: c.etag ?? null, fileSizeBytes: c.file_size_bytes ?? null }));
    const { taskId, count } = await request.server.services.uploads.confirmBatch(scope, request.params.bucket_identifier, items);
    return {
      task_id: taskId,
      status: 'PENDING' as const,
      confirmations_count: count,
      task: { task_id: taskId, task_type: 'api_buckets_uploads_batch_confirm', status: 'PENDING' as const, inputs: items.map((i) => i.uploadId), outputs: [], additional_data: { confirmations_count: count }, error: null },
      message: 'Batch confirmation is being processed in the background.',
    };
  },
});

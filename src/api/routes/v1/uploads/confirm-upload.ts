import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toConfirmUploadResponse } from '../../../presenters/upload.ts';
import { QueryObject } from '../../../schemas/query.ts';
import { ConfirmUploadRequest, ConfirmUploadResponse, UploadParams } from '../../../schemas/uploads.ts';
import { UPLOAD_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'confirm_upload_v1_buckets__bucket_identifier__uploads__upload_id__confirm_post',
  method: 'POST',
  url: '/:upload_id/confirm',
  policy: UPLOAD_WRITE,
  schema: {
    tags: ['Bucket Uploads'],
    summary: 'Confirm Upload',
    description:
      'Verifies the stored file (size, ETag, SHA-256 against file_hash, sniffed type), charges 1 credit per started MB, creates the object when create_object_on_confirm, and marks the upload COMPLETED. Idempotent. Files of 100 MB or more, or async=true, answer PROCESSING with a task_id (poll GET /v1/tasks/{task_id}).',
    params: UploadParams,
    querystring: QueryObject({ async: Type.Boolean({ default: false }) }),
    body: Type.Optional(Type.Ref(ConfirmUploadRequest)),
    response: { 200: Type.Ref(ConfirmUploadResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const body = request.body ?? {};
    const upload = await request.server.services.uploads.confirm(scope, request.params.bucket_identifier, request.params.upload_id, {
      etag: body.etag ?? null,
      fileSizeBytes: body.file_size_bytes ?? null,
      async: request.query.async,
    });
    return toConfirmUploadResponse(upload);
  },
});

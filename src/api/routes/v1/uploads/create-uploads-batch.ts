import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toUploadResponse } from '../../../presenters/upload.ts';
import { BatchUploadRequest, BatchUploadResponse, BucketParams } from '../../../schemas/uploads.ts';
import { UPLOAD_WRITE } from './policies.ts';
import { toNewUpload } from '../../../requests/new-upload.ts';

export default defineOperation({
  operationId: 'create_uploads_batch_v1_buckets__bucket_identifier__uploads_batch_post',
  method: 'POST',
  url: '/batch',
  policy: UPLOAD_WRITE,
  schema: {
    tags: ['Bucket Uploads'],
    summary: 'Create Uploads Batch',
    description: 'Up to 100 uploads at once; every item is checked before any URL is issued. shared_metadata and shared_object_metadata are merged under each item (the item wins).',
    params: BucketParams,
    body: Type.Ref(BatchUploadRequest),
    response: { 200: Type.Ref(BatchUploadResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { uploads, shared_metadata, shared_object_metadata } = request.body;
    const inputs = uploads.map((u) => toNewUpload(u, { metadata: shared_metadata, objectMetadata: shared_object_metadata }));
    const views = await request.server.services.uploads.createBatch(scope, request.params.bucket_identifier, inputs);
    return { uploads: views.map(toUploadResponse), total: views.length };
  },
});

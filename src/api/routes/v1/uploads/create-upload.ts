import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toUploadResponse } from '../../../presenters/upload.ts';
import { BucketParams, CreateUploadRequest, UploadResponse } from '../../../schemas/uploads.ts';
import { UPLOAD_WRITE } from './policies.ts';
import { toNewUpload } from '../../../requests/new-upload.ts';

export default defineOperation({
  operationId: 'create_upload_v1_buckets__bucket_identifier__uploads_post',
  method: 'POST',
  url: '',
  policy: UPLOAD_WRITE,
  schema: {
    tags: ['Bucket Uploads'],
    summary: 'Create Upload',
    description:
      'Checks the file against the bucket schema and the tier cap, then issues a presigned PUT URL (201). With file_hash and skip_duplicates, a file already in the bucket answers 200 with is_duplicate and no URL. PUT the bytes with the same Content-Type, then confirm.',
    params: BucketParams,
    body: Type.Ref(CreateUploadRequest),
    response: { 200: Type.Ref(UploadResponse, { description: 'Duplicate: nothing to upload' }), 201: Type.Ref(UploadResponse, { description: 'Created: PUT to presigned_url' }) },
  },
  handler: async (request, scope, reply) => {
    const { view, created } = await request.server.services.uploads.create(scope, request.params.bucket_identifier, toNewUpload(request.body));
    return reply.code(created ? 201 : 200).send(toUploadResponse(view));
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toUploadResponse } from '../../../presenters/upload.ts';
import { QueryObject } from '../../../schemas/query.ts';
import { UploadParams, UploadResponse } from '../../../schemas/uploads.ts';
import { UPLOAD_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_upload_v1_buckets__bucket_identifier__uploads__upload_id__get',
  method: 'GET',
  url: '/:upload_id',
  policy: UPLOAD_READ,
  schema: {
    tags: ['Bucket Uploads'],
    summary: 'Get Upload',
    description: 'The upload record. With return_presigned_urls: a fresh PUT URL while PENDING, a GET URL (1 h) once COMPLETED.',
    params: UploadParams,
    querystring: QueryObject({ return_presigned_urls: Type.Boolean({ default: false }) }),
    response: { 200: Type.Ref(UploadResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) =>
    toUploadResponse(await request.server.services.uploads.get(scope, request.params.bucket_identifier, request.params.upload_id, request.query.return_presigned_urls)),
});

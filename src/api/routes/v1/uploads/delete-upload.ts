import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { QueryObject } from '../../../schemas/query.ts';
import { UploadParams } from '../../../schemas/uploads.ts';
import { UPLOAD_DELETE } from './policies.ts';

export default defineOperation({
  operationId: 'delete_upload_v1_buckets__bucket_identifier__uploads__upload_id__delete',
  method: 'DELETE',
  url: '/:upload_id',
  policy: UPLOAD_DELETE,
  schema: {
    tags: ['Bucket Uploads'],
    summary: 'Delete Upload',
    description: 'Removes an upload that is PENDING, IN_PROGRESS, FAILED or a duplicate (204); a COMPLETED one stays (400). delete_s3_object (default true) removes the stored bytes too.',
    params: UploadParams,
    querystring: QueryObject({ delete_s3_object: Type.Boolean({ default: true }) }),
    response: { 204: Type.Null({ description: 'Deleted' }) },
  },
  handler: async (request, scope, reply) => {
    await request.server.services.uploads.delete(scope, request.params.bucket_identifier, request.params.upload_id, request.query.delete_s3_object);
    return reply.code(204).send(null);
  },
});

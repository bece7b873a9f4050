import { Type } from '@sinclair/typebox';
import { BadRequestError } from '../../../../engine/errors.ts';
import { defineOperation } from '../../../define-operation.ts';
import { toFailedObject, toObjectResponse } from '../../../presenters/object.ts';
import { BatchObjectsQuery, BucketParams, CreateObjectsBatchRequest, CreateObjectsBatchResponse } from '../../../schemas/objects.ts';
import { BLOB_BODY_LIMIT, OBJECT_WRITE } from '../buckets/policies.ts';

export default defineOperation({
  operationId: 'create_objects_batch_v1_buckets__bucket_identifier__objects_batch_post',
  method: 'POST',
  url: '/batch',
  policy: OBJECT_WRITE,
  bodyLimit: BLOB_BODY_LIMIT,
  schema: {
    tags: ['Bucket Objects'],
    summary: 'Create Objects Batch',
    description:
      'Up to 100 objects; each succeeds or fails on its own (failed[] names its index, message and error_type). 200 when at least one was created; when none was, 400 BadRequestError with the same failed[] in error.details. Unique-key buckets use the bucket\'s default_policy (400 without one).',
    params: BucketParams,
    querystring: BatchObjectsQuery,
    body: Type.Ref(CreateObjectsBatchRequest),
    response: { 200: Type.Ref(CreateObjectsBatchResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const objects = request.body.objects as unknown[];
    const result = await request.server.services.objects.createBatch(scope, request.params.bucket_identifier, objects, request.query.auto_process);
    const failed = result.failed.map((f) => toFailedObject(f.index, f.error));
    if (result.succeeded.length === 0) throw new BadRequestError(`None of the ${objects.length} objects was created`, { failed, total_requested: objects.length });
    return { succeeded: result.succeeded.map(toObjectResponse), failed, total_requested: objects.length, succeeded_count: result.succeeded.length, failed_count: failed.length };
  },
});

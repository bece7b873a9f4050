import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { BucketIdentifierParams, DeleteBucketResponse } from '../../../schemas/buckets.ts';
import { BUCKET_DELETE } from './policies.ts';

export default defineOperation({
  operationId: 'delete_bucket_v1_buckets__bucket_identifier__delete',
  method: 'DELETE',
  url: '/:bucket_identifier',
  policy: BUCKET_DELETE,
  schema: {
    tags: ['Buckets'],
    summary: 'Delete Bucket',
    description: 'Asynchronous and irreversible: the bucket disappears from every route at once and its name is free again; a task (poll GET /v1/tasks/{task_id}) removes its objects and blobs. 503 while no job queue runs.',
    params: BucketIdentifierParams,
    response: { 200: Type.Ref(DeleteBucketResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const id = request.params.bucket_identifier;
    const services = request.server.services;
    const inner = await services.buckets.scopeFor(scope, id, 'delete_data');
    const { bucket, objectCount, taskId } = await services.buckets.delete(inner, id);
    return { task_id: taskId, status: 'PENDING', bucket_id: bucket.bucketId, bucket_name: bucket.bucketName, object_count: objectCount };
  },
});

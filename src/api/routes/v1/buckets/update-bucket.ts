import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toBucketResponse } from '../../../presenters/bucket.ts';
import { BucketIdentifierParams, BucketResponse, BucketUpdateRequest } from '../../../schemas/buckets.ts';
import { BUCKET_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'update_bucket_v1_buckets__bucket_identifier__put',
  method: 'PUT',
  url: '/:bucket_identifier',
  policy: BUCKET_WRITE,
  schema: {
    tags: ['Buckets'],
    summary: 'Update Bucket',
    description: 'Change bucket_name, description and/or metadata (only what is given). bucket_schema and unique_key cannot change.',
    params: BucketIdentifierParams,
    body: Type.Ref(BucketUpdateRequest),
    response: { 200: Type.Ref(BucketResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const id = request.params.bucket_identifier;
    const services = request.server.services;
    const inner = await services.buckets.scopeFor(scope, id, 'write_data');
    const b = request.body;
    return toBucketResponse(await services.buckets.update(inner, id, { bucketName: b.bucket_name, description: b.description, metadata: b.metadata }));
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toBucketResponse } from '../../../presenters/bucket.ts';
import { BucketIdentifierParams, BucketResponse } from '../../../schemas/buckets.ts';
import { BUCKET_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_bucket_v1_buckets__bucket_identifier__get',
  method: 'GET',
  url: '/:bucket_identifier',
  policy: BUCKET_READ,
  schema: {
    tags: ['Buckets'],
    summary: 'Get Bucket',
    description: 'A bucket by id or name, with counts of its objects. By id, X-Namespace may be omitted; by name it is required.',
    params: BucketIdentifierParams,
    response: { 200: Type.Ref(BucketResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const id = request.params.bucket_identifier;
    const services = request.server.services;
    const inner = await services.buckets.scopeFor(scope, id, 'read_data');
    return toBucketResponse(await services.buckets.get(inner, id));
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toBucketResponse } from '../../../presenters/bucket.ts';
import { BucketCreateRequest, BucketResponse } from '../../../schemas/buckets.ts';
import { BUCKET_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'create_bucket_v1_buckets_post',
  method: 'POST',
  url: '',
  policy: BUCKET_WRITE,
  schema: {
    tags: ['Buckets'],
    summary: 'Create Bucket',
    description:
      'Create a bucket in the X-Namespace namespace (required here: 400 without it). `bucket_schema` (or its alias `schema`) declares the fields; types are read in any case. `unique_key` is immutable. Names are unique in the namespace (409). Counts against the tier\'s bucket quota (403 QuotaExceededError).',
    body: Type.Ref(BucketCreateRequest),
    response: { 200: Type.Ref(BucketResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const b = request.body;
    const bucket = await request.server.services.buckets.create(scope, {
      bucketName: b.bucket_name,
      description: b.description ?? null,
      bucketSchema: b.bucket_schema ?? b.schema,
      uniqueKey: b.unique_key ?? null,
      metadata: b.metadata ?? {},
    });
    return toBucketResponse(bucket);
  },
});

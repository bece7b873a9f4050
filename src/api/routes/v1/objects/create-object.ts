import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toObjectResponse } from '../../../presenters/object.ts';
import { BucketParams, CreateObjectQuery, CreateObjectRequest, ObjectResponse } from '../../../schemas/objects.ts';
import { BLOB_BODY_LIMIT, OBJECT_WRITE } from '../buckets/policies.ts';

export default defineOperation({
  operationId: 'create_object_v1_buckets__bucket_identifier__objects_post',
  method: 'POST',
  url: '',
  policy: OBJECT_WRITE,
  bodyLimit: BLOB_BODY_LIMIT,
  schema: {
    tags: ['Bucket Objects'],
    summary: 'Create Object',
    description:
      'Create an object: user fields flat in the body, blobs through `blobs`. Blob bytes are sniffed, size-checked per tier and hashed before anything is written; a refused URL is 400 URLValidationError and nothing is created. Unique-key buckets: ?policy= (else the bucket\'s default_policy, else 400); insert → 409 when the key exists, update → 404 when it does not, upsert is idempotent. auto_process=true submits a one-object batch through the bucket\'s collections in the same transaction (nothing when no collection processes the bucket).',
    params: BucketParams,
    querystring: CreateObjectQuery,
    body: Type.Ref(CreateObjectRequest),
    response: { 200: Type.Ref(ObjectResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const object = await request.server.services.objects.create(scope, request.params.bucket_identifier, request.body as Record<string, unknown>, request.query.policy ?? null, request.query.auto_process);
    return toObjectResponse(object);
  },
});

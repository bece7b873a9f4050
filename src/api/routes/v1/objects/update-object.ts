import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toObjectResponse } from '../../../presenters/object.ts';
import { ObjectParams, ObjectResponse, UpdateObjectRequest } from '../../../schemas/objects.ts';
import { OBJECT_WRITE } from '../buckets/policies.ts';

export default defineOperation({
  operationId: 'update_object_v1_buckets__bucket_identifier__objects__object_identifier__put',
  method: 'PUT',
  url: '/:object_identifier',
  policy: OBJECT_WRITE,
  schema: {
    tags: ['Bucket Objects'],
    summary: 'Update Object',
    description: 'key_prefix; blobs (replacing the object\'s, when given); metadata (user fields, merged). Never triggers processing.',
    params: ObjectParams,
    body: Type.Ref(UpdateObjectRequest),
    response: { 200: Type.Ref(ObjectResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, object_identifier } = request.params;
    const b = request.body;
    const object = await request.server.services.objects.update(scope, bucket_identifier, object_identifier, {
      ...(b.key_prefix !== undefined ? { keyPrefix: b.key_prefix } : {}),
      fields: b.metadata ?? {},
      blobs: (b.blobs as unknown[] | null | undefined) ?? null,
      skipDuplicates: b.skip_duplicates ?? null,
    });
    return toObjectResponse(object);
  },
});

import { Type } from '@sinclair/typebox';
import { collectUserFields } from '../../../../engine/objects/object-fields.ts';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toObjectResponse } from '../../../presenters/object.ts';
import { ObjectParams, ObjectResponse, PatchObjectRequest } from '../../../schemas/objects.ts';
import { OBJECT_WRITE } from '../buckets/policies.ts';

export default defineOperation({
  operationId: 'patch_object_v1_buckets__bucket_identifier__objects__object_identifier__patch',
  method: 'PATCH',
  url: '/:object_identifier',
  policy: OBJECT_WRITE,
  schema: {
    tags: ['Bucket Objects'],
    summary: 'Patch Object',
    description: 'key_prefix and flat user fields, merged into the object; object_id, bucket_id and timestamps cannot change (400).',
    params: ObjectParams,
    body: Type.Ref(PatchObjectRequest),
    response: { 200: Type.Ref(ObjectResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, object_identifier } = request.params;
    const body = request.body as Record<string, unknown>;
    const object = await request.server.services.objects.update(scope, bucket_identifier, object_identifier, {
      ...(body.key_prefix !== undefined ? { keyPrefix: body.key_prefix as string | null } : {}),
      fields: collectUserFields(body),
    });
    return toObjectResponse(object);
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toObjectResponse } from '../../../presenters/object.ts';
import { GetObjectQuery, ObjectParams, ObjectResponse } from '../../../schemas/objects.ts';
import { OBJECT_READ } from '../buckets/policies.ts';

export default defineOperation({
  operationId: 'get_object_v1_buckets__bucket_identifier__objects__object_identifier__get',
  method: 'GET',
  url: '/:object_identifier',
  policy: OBJECT_READ,
  schema: {
    tags: ['Bucket Objects'],
    summary: 'Get Object',
    description: 'One object; with return_presigned_urls=true each stored blob gets properties.presigned_url (valid 1 h).',
    params: ObjectParams,
    querystring: GetObjectQuery,
    response: { 200: Type.Ref(ObjectResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, object_identifier } = request.params;
    return toObjectResponse(await request.server.services.objects.get(scope, bucket_identifier, object_identifier, request.query.return_presigned_urls));
  },
});

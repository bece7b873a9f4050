import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { ObjectParams } from '../../../schemas/objects.ts';
import { OBJECT_DELETE } from '../buckets/policies.ts';

export default defineOperation({
  operationId: 'delete_object_v1_buckets__bucket_identifier__objects__object_identifier__delete',
  method: 'DELETE',
  url: '/:object_identifier',
  policy: OBJECT_DELETE,
  schema: {
    tags: ['Bucket Objects'],
    summary: 'Delete Object',
    description: 'Deletes the object and its stored blobs. 204, no body.',
    params: ObjectParams,
    response: { 204: Type.Null({ description: 'Deleted' }) },
  },
  handler: async (request, scope, reply) => {
    const { bucket_identifier, object_identifier } = request.params;
    await request.server.services.objects.delete(scope, bucket_identifier, object_identifier);
    return reply.code(204).send(null);
  },
});

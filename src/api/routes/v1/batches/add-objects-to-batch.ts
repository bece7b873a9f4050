import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toBatchModel } from '../../../presenters/batch.ts';
import { AddObjectsToBatchRequest, BatchModel, BatchParams, SkipValidationQuery } from '../../../schemas/batches.ts';
import { BATCH_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'add_objects_to_batch_v1_buckets__bucket_identifier__batches__batch_id__objects_post',
  method: 'POST',
  url: '/:batch_id/objects',
  policy: BATCH_WRITE,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'Add Objects to Batch',
    description: 'Appends objects to a DRAFT batch (400 once submitted); ids already in it are ignored. Same checks as creation.',
    params: BatchParams,
    querystring: SkipValidationQuery,
    body: Type.Ref(AddObjectsToBatchRequest),
    response: { 200: Type.Ref(BatchModel, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { bucket_identifier, batch_id } = request.params;
    return toBatchModel(await request.server.services.batches.addObjects(scope, bucket_identifier, batch_id, request.body.object_ids, request.query.skip_validation));
  },
});

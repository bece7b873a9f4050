import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toBatchModel } from '../../../presenters/batch.ts';
import { BatchBucketParams, BatchModel, CreateBatchRequest, SkipValidationQuery } from '../../../schemas/batches.ts';
import { BATCH_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'create_batch_v1_buckets__bucket_identifier__batches_post',
  method: 'POST',
  url: '',
  policy: BATCH_WRITE,
  schema: {
    tags: ['Bucket Batches'],
    summary: 'Create Batch',
    description:
      'A DRAFT batch of objects of the bucket; its collection DAG (dag_tiers) is resolved now and again on submit. Every object must exist in the bucket (400 naming the missing ones) unless skip_validation=true. At most the tier\'s batch_size objects (403 QuotaExceededError). collection_ids limits the run to some collections of the DAG.',
    params: BatchBucketParams,
    querystring: SkipValidationQuery,
    body: Type.Ref(CreateBatchRequest),
    response: { 200: Type.Ref(BatchModel, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const b = request.body;
    const view = await request.server.services.batches.create(
      scope,
      request.params.bucket_identifier,
      { objectIds: b.object_ids, batchName: b.batch_name ?? null, collectionIds: b.collection_ids ?? null, metadata: b.metadata ?? {} },
      request.query.skip_validation,
    );
    return toBatchModel(view);
  },
});

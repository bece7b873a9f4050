import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { BucketParams, ObjectAggregationRequest, ObjectAggregationResponse } from '../../../schemas/objects.ts';
import { OBJECT_READ } from '../buckets/policies.ts';

export default defineOperation({
  operationId: 'aggregate_objects_v1_buckets__bucket_identifier__objects_aggregate_post',
  method: 'POST',
  url: '/aggregate',
  policy: OBJECT_READ,
  schema: {
    tags: ['Bucket Objects'],
    summary: 'Aggregate Objects',
    description: 'Group the bucket\'s objects (date_trunc/date_part, range buckets, unwind) and compute count, count_distinct, sum, avg, min, max, first, last, push, add_to_set; having, sort_by, limit.',
    params: BucketParams,
    body: Type.Ref(ObjectAggregationRequest),
    response: { 200: Type.Ref(ObjectAggregationResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const started = performance.now();
    const out = await request.server.services.objects.aggregate(scope, request.params.bucket_identifier, request.body);
    return { results: out.results, total_groups: out.total_groups, query_info: { objects_scanned: out.scanned, execution_time_ms: Math.round(performance.now() - started) } };
  },
});

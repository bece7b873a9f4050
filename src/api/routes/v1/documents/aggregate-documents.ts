import { Type } from '@sinclair/typebox';
import type { AggregationRequest } from '../../../../engine/objects/object-aggregate.ts';
import { defineOperation } from '../../../define-operation.ts';
import { CollectionDocumentsParams, DocumentAggregationRequest, DocumentAggregationResponse } from '../../../schemas/documents.ts';
import { DOCUMENT_READ } from './policies.ts';

export default defineOperation({
  operationId: 'aggregate_documents_v1_collections__collection_identifier__documents_aggregate_post',
  method: 'POST',
  url: '/aggregate',
  policy: DOCUMENT_READ,
  schema: {
    tags: ['Collection Documents'],
    summary: 'Aggregate Documents',
    description:
      'Group the collection\'s documents (date_trunc/date_part, range buckets, unwind) and compute count, count_distinct, sum, avg, min, max, first, last, push, add_to_set; having, sort_by, limit (SPEC §13.4; the same module as object aggregation).',
    params: CollectionDocumentsParams,
    body: Type.Ref(DocumentAggregationRequest),
    response: { 200: Type.Ref(DocumentAggregationResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const started = performance.now();
    const out = await request.server.services.documents.aggregate(scope, request.params.collection_identifier, request.body as AggregationRequest);
    return {
      results: out.results,
      total_groups: out.total_groups,
      query_info: { collection_id: out.collection.collectionId, documents_scanned: out.scanned, execution_time_ms: Math.round(performance.now() - started) },
    };
  },
});

import { Type } from '@sinclair/typebox';
import type { BatchDeleteInput } from '../../../../engine/documents/document-service.ts';
import { defineOperation } from '../../../define-operation.ts';
import { BatchDeleteDocumentsRequest, BatchDeleteDocumentsResponse, CollectionDocumentsParams } from '../../../schemas/documents.ts';
import { DOCUMENT_DELETE } from './policies.ts';

export default defineOperation({
  operationId: 'batch_delete_documents_v1_collections__collection_identifier__documents_batch_delete',
  method: 'DELETE',
  url: '/batch',
  policy: DOCUMENT_DELETE,
  schema: {
    tags: ['Collection Documents'],
    summary: 'Batch Delete Documents',
    description: 'Either document_ids (≤ 1000; per-document results) or filters (at least one condition; count only). Vectors go with their documents.',
    params: CollectionDocumentsParams,
    body: Type.Ref(BatchDeleteDocumentsRequest),
    response: { 200: Type.Ref(BatchDeleteDocumentsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const out = await request.server.services.documents.batchDelete(scope, request.params.collection_identifier, request.body as BatchDeleteInput);
    return { deleted_count: out.deleted, failed_count: out.failed, results: out.results, message: `${out.deleted} document(s) deleted${out.failed > 0 ? `, ${out.failed} not found` : ''}` };
  },
});

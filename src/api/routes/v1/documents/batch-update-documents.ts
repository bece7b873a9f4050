import { Type } from '@sinclair/typebox';
import type { BatchUpdateInput } from '../../../../engine/documents/document-service.ts';
import { defineOperation } from '../../../define-operation.ts';
import { BatchUpdateDocumentsRequest, BatchUpdateDocumentsResponse, CollectionDocumentsParams } from '../../../schemas/documents.ts';
import { DOCUMENT_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'batch_update_documents_v1_collections__collection_identifier__documents_batch_post',
  method: 'POST',
  url: '/batch',
  policy: DOCUMENT_WRITE,
  schema: {
    tags: ['Collection Documents'],
    summary: 'Batch Update Documents',
    description:
      'Either updates (≤ 1000 × {document_id, update_data}; per-document results, unknown ids fail alone) or filters + update_data (counts only). One transaction: a refused update_data (vectors, system fields) is a 400 and nothing changes.',
    params: CollectionDocumentsParams,
    body: Type.Ref(BatchUpdateDocumentsRequest),
    response: { 200: Type.Ref(BatchUpdateDocumentsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const out = await request.server.services.documents.batchUpdate(scope, request.params.collection_identifier, request.body as BatchUpdateInput);
    return { updated_count: out.updated, failed_count: out.failed, results: out.results, message: `${out.updated} document(s) updated${out.failed > 0 ? `, ${out.failed} failed` : ''}` };
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { BulkUpdateDocumentsRequest, BulkUpdateDocumentsResponse, CollectionDocumentsParams } from '../../../schemas/documents.ts';
import { DOCUMENT_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'bulk_update_documents_v1_collections__collection_identifier__documents_bulk_patch',
  method: 'PATCH',
  url: '/bulk',
  policy: DOCUMENT_WRITE,
  schema: {
    tags: ['Collection Documents'],
    summary: 'Bulk Update Documents',
    description: 'The same update_data on every document the filters match (no filters: every document of the collection), in one transaction.',
    params: CollectionDocumentsParams,
    body: Type.Ref(BulkUpdateDocumentsRequest),
    response: { 200: Type.Ref(BulkUpdateDocumentsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const updated = await request.server.services.documents.bulkUpdate(scope, request.params.collection_identifier, request.body.filters ?? null, request.body.update_data);
    return { updated_count: updated, message: `${updated} document(s) updated` };
  },
});

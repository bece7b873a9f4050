import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toDocumentResponse } from '../../../presenters/document.ts';
import { DocumentParams, DocumentResponse, DocumentUpdateRequest } from '../../../schemas/documents.ts';
import { DOCUMENT_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'update_document_v1_collections__collection_identifier__documents__document_id__put',
  method: 'PUT',
  url: '/:document_id',
  policy: DOCUMENT_WRITE,
  schema: {
    tags: ['Collection Documents'],
    summary: 'Update Document',
    description: "Replaces the document's user fields with the body's. Vectors and system fields (document_id, _internal, lineage fields, processing_tier, source_blobs …) may be sent back unchanged; changing one is a 400.",
    params: DocumentParams,
    body: Type.Ref(DocumentUpdateRequest),
    response: { 200: Type.Ref(DocumentResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { collection_identifier, document_id } = request.params;
    const { document } = await request.server.services.documents.update(scope, collection_identifier, document_id, request.body as Record<string, unknown>, 'replace');
    return toDocumentResponse(document);
  },
});

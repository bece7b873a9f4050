import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toDocumentResponse } from '../../../presenters/document.ts';
import { DocumentParams, DocumentResponse, PatchDocumentRequest } from '../../../schemas/documents.ts';
import { DOCUMENT_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'patch_document_v1_collections__collection_identifier__documents__document_id__patch',
  method: 'PATCH',
  url: '/:document_id',
  policy: DOCUMENT_WRITE,
  schema: {
    tags: ['Collection Documents'],
    summary: 'Patch Document',
    description: "Sets the body's user fields (a dotted key such as metadata.status sets a nested one); other fields stay. Vectors and system fields cannot change (400).",
    params: DocumentParams,
    body: Type.Ref(PatchDocumentRequest),
    response: { 200: Type.Ref(DocumentResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { collection_identifier, document_id } = request.params;
    const { document } = await request.server.services.documents.update(scope, collection_identifier, document_id, request.body as Record<string, unknown>, 'merge');
    return toDocumentResponse(document);
  },
});

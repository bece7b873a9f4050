import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { DocumentParams } from '../../../schemas/documents.ts';
import { GenericDeleteResponse } from '../../../schemas/tasks.ts';
import { DOCUMENT_DELETE } from './policies.ts';

export default defineOperation({
  operationId: 'delete_document_v1_collections__collection_identifier__documents__document_id__delete',
  method: 'DELETE',
  url: '/:document_id',
  policy: DOCUMENT_DELETE,
  schema: {
    tags: ['Collection Documents'],
    summary: 'Delete Document',
    description: 'Deletes the document and its vectors.',
    params: DocumentParams,
    response: { 200: Type.Ref(GenericDeleteResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    await request.server.services.documents.delete(scope, request.params.collection_identifier, request.params.document_id);
    return { success: true, message: `Document ${request.params.document_id} deleted` };
  },
});

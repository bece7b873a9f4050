import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toDocumentResponse } from '../../../presenters/document.ts';
import { DocumentParams, DocumentResponse, GetDocumentQuery } from '../../../schemas/documents.ts';
import { DOCUMENT_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_document_v1_collections__collection_identifier__documents__document_id__get',
  method: 'GET',
  url: '/:document_id',
  policy: DOCUMENT_READ,
  schema: {
    tags: ['Collection Documents'],
    summary: 'Get Document',
    description: 'One document; with return_vectors=true each vector under its index name.',
    params: DocumentParams,
    querystring: GetDocumentQuery,
    response: { 200: Type.Ref(DocumentResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const withVectors = request.query.return_vectors;
    const { document } = await request.server.services.documents.get(scope, request.params.collection_identifier, request.params.document_id, withVectors);
    return toDocumentResponse(document, { withVectors });
  },
});

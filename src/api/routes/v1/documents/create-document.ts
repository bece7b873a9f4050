import { Type } from '@sinclair/typebox';
import type { DocumentCreateInput } from '../../../../engine/documents/document-input.ts';
import { defineOperation } from '../../../define-operation.ts';
import { toDocumentResponse } from '../../../presenters/document.ts';
import { CollectionDocumentsParams, DocumentCreateRequest, DocumentResponse } from '../../../schemas/documents.ts';
import { DOCUMENT_CREATE } from './policies.ts';

export default defineOperation({
  operationId: 'create_document_v1_collections__collection_identifier__documents_post',
  method: 'POST',
  url: '',
  policy: DOCUMENT_CREATE,
  schema: {
    tags: ['Collection Documents'],
    summary: 'Create Document',
    description:
      'A document with lineage, user fields (metadata, extra keys, feature payloads) and provided vectors (features[].vectors: index name → dense list, matching the collection\'s vector_indexes names and dimensions, finite float32 values; anything else is a 400 and nothing is stored). Counts against the documents quota; 1 credit.',
    params: CollectionDocumentsParams,
    body: Type.Ref(DocumentCreateRequest),
    response: { 200: Type.Ref(DocumentResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { document } = await request.server.services.documents.create(scope, request.params.collection_identifier, request.body as DocumentCreateInput);
    return toDocumentResponse(document);
  },
});

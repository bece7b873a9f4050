import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toLineageResponse } from '../../../presenters/document.ts';
import { DocumentLineageResponse, LineageParams } from '../../../schemas/documents.ts';
import { DOCUMENT_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_document_lineage_v1_collections__collection_id__documents__document_id__lineage_get',
  method: 'GET',
  url: '/v1/collections/:collection_id/documents/:document_id/lineage',
  policy: DOCUMENT_READ,
  schema: {
    tags: ['Document Lineage'],
    summary: 'Get Document Lineage',
    description: 'The chain from the root object to this document: the object and each ancestor document summarised. Without X-Namespace the document\'s own namespace is used.',
    params: LineageParams,
    response: { 200: Type.Ref(DocumentLineageResponse, { description: 'Document lineage information' }) },
  },
  handler: async (request, scope) => toLineageResponse(await request.server.services.documentLineage.lineage(scope, request.params.collection_id, request.params.document_id)),
});

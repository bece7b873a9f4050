import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toDocumentsByObjectResponse } from '../../../presenters/document.ts';
import { DocumentsByObjectQuery, DocumentsByObjectResponse, ObjectLineageParams } from '../../../schemas/documents.ts';
import { DOCUMENT_READ } from '../documents/policies.ts';

export default defineOperation({
  operationId: 'get_documents_by_object_v1_objects__object_id__documents_get',
  method: 'GET',
  url: '/:object_id/documents',
  policy: DOCUMENT_READ,
  schema: {
    tags: ['Document Lineage'],
    summary: 'Get Documents By Object',
    description: 'Every document whose root is the object (optionally only in collection_ids), flat, with counts per collection; at most 10,000 (truncated says so). Without X-Namespace the object\'s own namespace is used.',
    params: ObjectLineageParams,
    querystring: DocumentsByObjectQuery,
    response: { 200: Type.Ref(DocumentsByObjectResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) =>
    toDocumentsByObjectResponse(await request.server.services.documentLineage.documentsByObject(scope, request.params.object_id, request.query.collection_ids ?? null)),
});

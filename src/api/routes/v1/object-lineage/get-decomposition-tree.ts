import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toDecompositionTreeResponse } from '../../../presenters/document.ts';
import { DecompositionTreeQuery, DecompositionTreeResponse, ObjectLineageParams } from '../../../schemas/documents.ts';
import { DOCUMENT_READ } from '../documents/policies.ts';

export default defineOperation({
  operationId: 'get_decomposition_tree_v1_objects__object_id__decomposition_tree_get',
  method: 'GET',
  url: '/:object_id/decomposition-tree',
  policy: DOCUMENT_READ,
  schema: {
    tags: ['Document Lineage'],
    summary: 'Get Decomposition Tree',
    description: 'The object → its bucket\'s collections (tier 0) → the collections fed by them, with how many documents each made from the object (and their ids with include_document_ids=true). Without X-Namespace the object\'s own namespace is used.',
    params: ObjectLineageParams,
    querystring: DecompositionTreeQuery,
    response: { 200: Type.Ref(DecompositionTreeResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) =>
    toDecompositionTreeResponse(await request.server.services.documentLineage.decompositionTree(scope, request.params.object_id, request.query.include_document_ids)),
});

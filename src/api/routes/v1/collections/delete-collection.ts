import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { CollectionIdentifierParams, DeleteCollectionResponse } from '../../../schemas/collections.ts';
import { COLLECTION_DELETE } from './policies.ts';

export default defineOperation({
  operationId: 'delete_collection_v1_collections__collection_identifier__delete',
  method: 'DELETE',
  url: '/:collection_identifier',
  policy: COLLECTION_DELETE,
  schema: {
    tags: ['Collections'],
    summary: 'Delete Collection',
    description: 'Synchronous and irreversible: the collection and its documents. A collection that other collections use as their source is refused (400 naming them): delete those first.',
    params: CollectionIdentifierParams,
    response: { 200: Type.Ref(DeleteCollectionResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const c = await request.server.services.collections.delete(scope, request.params.collection_identifier);
    return { success: true, collection_id: c.collectionId, collection_name: c.collectionName, message: `Collection '${c.collectionName}' deleted` };
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toCollectionResponse } from '../../../presenters/collection.ts';
import { CollectionIdentifierParams, CollectionResponse } from '../../../schemas/collections.ts';
import { COLLECTION_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_collection_v1_collections__collection_identifier__get',
  method: 'GET',
  url: '/:collection_identifier',
  policy: COLLECTION_READ,
  schema: {
    tags: ['Collections'],
    summary: 'Get Collection',
    description: 'A collection of the X-Namespace namespace by id or name.',
    params: CollectionIdentifierParams,
    response: { 200: Type.Ref(CollectionResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toCollectionResponse(await request.server.services.collections.get(scope, request.params.collection_identifier)),
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toCollectionResponse } from '../../../presenters/collection.ts';
import { CollectionIdentifierParams, CollectionResponse, PatchCollectionRequest } from '../../../schemas/collections.ts';
import { COLLECTION_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'update_collection_v1_collections__collection_identifier__patch',
  method: 'PATCH',
  url: '/:collection_identifier',
  policy: COLLECTION_WRITE,
  schema: {
    tags: ['Collections'],
    summary: 'Update Collection',
    description: 'Change collection_name, description, enabled and/or metadata. Any other field (source, feature_extractor, …) is a 400: the core configuration is immutable; clone the collection instead.',
    params: CollectionIdentifierParams,
    body: Type.Ref(PatchCollectionRequest),
    response: { 200: Type.Ref(CollectionResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) =>
    toCollectionResponse(await request.server.services.collections.update(scope, request.params.collection_identifier, request.body as Record<string, unknown>)),
});

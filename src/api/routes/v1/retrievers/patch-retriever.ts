import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toRetrieverConfig } from '../../../presenters/retriever.ts';
import { PatchRetrieverRequest, PatchRetrieverResponse, RetrieverIdParams } from '../../../schemas/retrievers.ts';
import { RETRIEVER_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'patch_retriever_v1_retrievers__retriever_id__patch',
  method: 'PATCH',
  url: '/:retriever_id',
  policy: RETRIEVER_WRITE,
  schema: {
    tags: ['Retrievers'],
    summary: 'Patch Retriever',
    description: 'Change retriever_name, description, tags and/or display_config; version + 1. Any other field (stages, input_schema, collection_identifiers, budget_limits) is a 400: a retriever\'s logic is immutable; clone it instead. An empty patch is a 400.',
    params: RetrieverIdParams,
    body: Type.Ref(PatchRetrieverRequest),
    response: { 200: Type.Ref(PatchRetrieverResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => ({
    retriever: toRetrieverConfig(await request.server.services.retrievers.update(scope, request.params.retriever_id, request.body as Record<string, unknown>)),
  }),
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toRetrieverConfig } from '../../../presenters/retriever.ts';
import { CloneRetrieverRequest, CloneRetrieverResponse, RetrieverIdParams } from '../../../schemas/retrievers.ts';
import { RETRIEVER_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'clone_retriever_v1_retrievers__retriever_id__clone_post',
  method: 'POST',
  url: '/:retriever_id/clone',
  policy: RETRIEVER_WRITE,
  schema: {
    tags: ['Retrievers'],
    summary: 'Clone Retriever',
    description: 'A new retriever (new id, version 1) from this one, with any of description, collection_identifiers, stages, input_schema, budget_limits, tags, display_config overridden (checked as a create checks them). The way to change what PATCH cannot. 201; the name must be new (409); counts against the retriever quota (403).',
    params: RetrieverIdParams,
    body: Type.Ref(CloneRetrieverRequest),
    response: { 201: Type.Ref(CloneRetrieverResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope, reply) => {
    const { retriever, source } = await request.server.services.retrievers.clone(scope, request.params.retriever_id, request.body as Record<string, unknown>);
    return reply.code(201).send({ retriever: toRetrieverConfig(retriever), source_retriever_id: source.retrieverId });
  },
});

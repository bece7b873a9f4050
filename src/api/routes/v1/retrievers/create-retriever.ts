import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toRetrieverConfig } from '../../../presenters/retriever.ts';
import { CreateRetrieverRequest, CreateRetrieverResponse } from '../../../schemas/retrievers.ts';
import { RETRIEVER_WRITE } from './policies.ts';

export default defineOperation({
  operationId: 'create_retriever_v1_retrievers_post',
  method: 'POST',
  url: '',
  policy: RETRIEVER_WRITE,
  schema: {
    tags: ['Retrievers'],
    summary: 'Create Retriever',
    description:
      'Create a retriever in the X-Namespace namespace: stages run in order over the collections (collection_identifiers, alias collection_ids: ids or names of the namespace; 404 when unknown). Stages in the spec form {stage_name, stage_type, config: {stage_id, parameters}} or the docs\' flat forms; stage ids and legacy aliases resolve through GET /v1/retrievers/stages (unknown: 400 naming stages[i].config.stage_id), stage_type is inferred, parameters are checked (400 naming the parameter). input_schema as a flat map or {properties, required}. Names are unique in the namespace (409); counts against the tier\'s retriever quota (403). Responses show the spec form.',
    body: Type.Ref(CreateRetrieverRequest),
    response: { 200: Type.Ref(CreateRetrieverResponse, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => {
    const retriever = await request.server.services.retrievers.create(scope, request.body as Record<string, unknown>);
    return { retriever: toRetrieverConfig(retriever), retriever_id: retriever.retrieverId };
  },
});

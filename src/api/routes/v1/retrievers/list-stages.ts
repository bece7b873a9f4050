import { Type } from '@sinclair/typebox';
import { BadRequestError } from '../../../../engine/errors.ts';
import { defineOperation } from '../../../define-operation.ts';
import { PUBLIC } from '../../../policy.ts';
import { toStageDefinition } from '../../../presenters/retriever.ts';
import { RetrieverStageDefinition, StagesQuery } from '../../../schemas/retrievers.ts';

const CATEGORIES = ['filter', 'sort', 'reduce', 'apply', 'enrich'];

export default defineOperation({
  operationId: 'list_stages_v1_retrievers_stages_get',
  method: 'GET',
  url: '/stages',
  policy: PUBLIC,
  schema: {
    tags: ['Retrievers'],
    summary: 'List Stages',
    description: 'The retriever stages this deployment runs, with each one\'s parameter_schema and legacy aliases (semantic_search → feature_search, …). No API key needed. ?category= keeps one category.',
    querystring: StagesQuery,
    response: { 200: Type.Array(Type.Ref(RetrieverStageDefinition), { description: 'Successful Response' }) },
  },
  handler: async (request) => {
    const category = request.query.category;
    if (category !== undefined && !CATEGORIES.includes(category)) {
      throw new BadRequestError(`category must be one of ${CATEGORIES.join(', ')}`, { field: 'category', allowed: CATEGORIES }, 'invalid_category');
    }
    return request.server.services.stages.list(category as Parameters<typeof request.server.services.stages.list>[0]).map(toStageDefinition);
  },
});

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import cloneRetriever from './clone-retriever.ts';
import createRetriever from './create-retriever.ts';
import deleteRetriever from './delete-retriever.ts';
import executeAdhocRetriever from './execute-adhoc-retriever.ts';
import executeRetriever from './execute-retriever.ts';
import getAdhocExecution from './get-adhoc-execution.ts';
import getExecution from './get-execution.ts';
import getRetriever from './get-retriever.ts';
import listAdhocExecutions from './list-adhoc-executions.ts';
import listExecutions from './list-executions.ts';
import listRetrievers from './list-retrievers.ts';
import listStages from './list-stages.ts';
import patchRetriever from './patch-retriever.ts';

/** The stage catalogue: public (SPEC §0.1), registered outside the API-key scope. */
export const retrieverCatalogueOperations = [listStages];

export const retrieverOperations = [
  createRetriever,
  listRetrievers,
  getRetriever,
  patchRetriever,
  deleteRetriever,
  cloneRetriever,
  executeRetriever,
  executeAdhocRetriever,
  listExecutions,
  getExecution,
  listAdhocExecutions,
  getAdhocExecution,
];

/**
 * /v1/retrievers: the retrievers of a namespace (X-Namespace), their executions, ad-hoc executions,
 * and the public stage catalogue. Static segments (/stages, /execute, /executions) are matched
 * before /:retriever_id, so those paths never read as retriever names.
 */
const retrievers: FastifyPluginAsyncTypebox = async (scope) => {
  registerOperations(scope, retrieverCatalogueOperations);
  await scope.register(async (secured) => {
    requireApiKey(secured);
    registerOperations(secured, retrieverOperations);
  });
};

export default retrievers;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createNamespace from './create-namespace.ts';
import deleteNamespace from './delete-namespace.ts';
import getNamespace from './get-namespace.ts';
import listNamespaces from './list-namespaces.ts';
import patchNamespace from './patch-namespace.ts';
import updateNamespace from './update-namespace.ts';
import listNamespaceExtractors from './list-namespace-extractors.ts';
import getNamespaceExtractor from './get-namespace-extractor.ts';

export const namespaceOperations = [createNamespace, listNamespaces, getNamespace, updateNamespace, patchNamespace, deleteNamespace, listNamespaceExtractors, getNamespaceExtractor];

/** /v1/namespaces: the organization's namespaces, addressed by id or name (no X-Namespace). */
const namespaces: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, namespaceOperations);
};

export default namespaces;

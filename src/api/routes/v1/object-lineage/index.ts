import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import getDecompositionTree from './get-decomposition-tree.ts';
import getDocumentsByObject from './get-documents-by-object.ts';

export const objectLineageOperations = [getDocumentsByObject, getDecompositionTree];

/** /v1/objects/{object_id}/…: the documents made from an object (X-Namespace optional). */
const objectLineage: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, objectLineageOperations);
};

export default objectLineage;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import aggregateDocuments from './aggregate-documents.ts';
import batchDeleteDocuments from './batch-delete-documents.ts';
import batchUpdateDocuments from './batch-update-documents.ts';
import bulkUpdateDocuments from './bulk-update-documents.ts';
import createDocument from './create-document.ts';
import deleteDocument from './delete-document.ts';
import getDocument from './get-document.ts';
import getDocumentLineage from './get-document-lineage.ts';
import listDocuments from './list-documents.ts';
import patchDocument from './patch-document.ts';
import updateDocument from './update-document.ts';

export const documentOperations = [
  createDocument,
  listDocuments,
  batchUpdateDocuments,
  bulkUpdateDocuments,
  batchDeleteDocuments,
  aggregateDocuments,
  getDocument,
  updateDocument,
  patchDocument,
  deleteDocument,
];

/** /v1/collections/{collection_identifier}/documents: a collection's documents (X-Namespace required). */
const documents: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, documentOperations);
};

export const documentLineageOperations = [getDocumentLineage];

/** GET /v1/collections/{collection_id}/documents/{document_id}/lineage (registered without a prefix: its path names collection_id). */
export const documentLineage: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, documentLineageOperations);
};

export default documents;

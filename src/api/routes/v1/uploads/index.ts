import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import confirmUpload from './confirm-upload.ts';
import confirmUploadsBatch from './confirm-uploads-batch.ts';
import createUpload from './create-upload.ts';
import createUploadsBatch from './create-uploads-batch.ts';
import deleteUpload from './delete-upload.ts';
import getUpload from './get-upload.ts';
import listUploads from './list-uploads.ts';

export const uploadOperations = [createUpload, getUpload, deleteUpload, listUploads, confirmUpload, createUploadsBatch, confirmUploadsBatch];

/** /v1/buckets/:bucket_identifier/uploads: the presigned upload flow (SPEC §9). */
const uploads: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, uploadOperations);
};

export default uploads;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import addObjectsToBatch from './add-objects-to-batch.ts';
import cancelBatch from './cancel-batch.ts';
import createBatch from './create-batch.ts';
import deleteBatch from './delete-batch.ts';
import getBatch from './get-batch.ts';
import getFailedDocuments from './get-failed-documents.ts';
import listBatches from './list-batches.ts';
import patchBatch from './patch-batch.ts';
import retryBatch from './retry-batch.ts';
import submitBatch from './submit-batch.ts';

export const batchOperations = [createBatch, listBatches, getBatch, patchBatch, deleteBatch, addObjectsToBatch, submitBatch, cancelBatch, retryBatch, getFailedDocuments];

/** /v1/buckets/{bucket_identifier}/batches: a bucket's batches. */
const batches: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, batchOperations);
};

export default batches;

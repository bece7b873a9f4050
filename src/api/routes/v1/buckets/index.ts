import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createBucket from './create-bucket.ts';
import deleteBucket from './delete-bucket.ts';
import getBucket from './get-bucket.ts';
import listBuckets from './list-buckets.ts';
import patchBucket from './patch-bucket.ts';
import updateBucket from './update-bucket.ts';

export const bucketOperations = [createBucket, listBuckets, getBucket, updateBucket, patchBucket, deleteBucket];

/** /v1/buckets: the buckets of a namespace (X-Namespace), addressed by id or name. */
const buckets: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, bucketOperations);
};

export default buckets;

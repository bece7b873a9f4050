import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import aggregateObjects from './aggregate-objects.ts';
import createObject from './create-object.ts';
import createObjectsBatch from './create-objects-batch.ts';
import deleteObject from './delete-object.ts';
import getObject from './get-object.ts';
import listObjects from './list-objects.ts';
import patchObject from './patch-object.ts';
import updateObject from './update-object.ts';

export const objectOperations = [createObject, createObjectsBatch, listObjects, aggregateObjects, getObject, updateObject, patchObject, deleteObject];

/** /v1/buckets/{bucket_identifier}/objects: a bucket's objects. */
const objects: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, objectOperations);
};

export default objects;

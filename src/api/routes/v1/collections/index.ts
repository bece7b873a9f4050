import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createCollection from './create-collection.ts';
import deleteCollection from './delete-collection.ts';
import getCollection from './get-collection.ts';
import getCollectionFeatures from './get-collection-features.ts';
import getFeatureExtractor from './get-feature-extractor.ts';
import listCollections from './list-collections.ts';
import listFeatureExtractors from './list-feature-extractors.ts';
import patchCollection from './patch-collection.ts';

export const collectionOperations = [
  listFeatureExtractors,
  getFeatureExtractor,
  createCollection,
  listCollections,
  getCollection,
  patchCollection,
  deleteCollection,
  getCollectionFeatures,
];

/**
 * /v1/collections: the collections of a namespace (X-Namespace), and the feature extractor
 * catalogue under /v1/collections/features/extractors (static segments: Fastify matches them
 * before /:collection_identifier/features, so a collection named "features" stays reachable).
 */
const collections: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, collectionOperations);
};

export default collections;

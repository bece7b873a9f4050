import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import getBlobTransfer from './get-blob-transfer.ts';
import putBlobTransfer from './put-blob-transfer.ts';

export const blobTransferOperations = [putBlobTransfer, getBlobTransfer];

/**
 * /v1/blob-transfer: the filesystem store's presigned URLs. No API key (the token is the
 * credential), so no per-organization rate limit either. Bodies of any type are handed to the
 * handler as the raw request stream: the token's maxBytes, not TESSERA_BODY_LIMIT, bounds them.
 */
const blobTransfer: FastifyPluginAsyncTypebox = async (scope) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  registerOperations(scope, blobTransferOperations);
};

export default blobTransfer;

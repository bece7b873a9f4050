import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { defineOperation } from '../../../define-operation.ts';
import { ForbiddenError } from '../../../../engine/errors.ts';
import { PUBLIC } from '../../../policy.ts';
import { BLOB_TRANSFER_TAG, TransferParams } from '../../../schemas/blob-transfer.ts';

export default defineOperation({
  operationId: 'tessera_get_blob_transfer',
  method: 'GET',
  url: '/:token',
  policy: PUBLIC,
  schema: {
    tags: [BLOB_TRANSFER_TAG],
    summary: 'Download from a presigned URL',
    description:
      'The target of a presigned download URL when blobs are stored on the filesystem. No API key: the signed, expiring token is the credential (403 when expired or altered). ' +
      'Streams the bytes with their stored Content-Type, Content-Length, ETag, and Content-Disposition when the URL names a file.',
    params: TransferParams,
    response: {
      200: {
        description: 'The blob',
        content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } },
      },
    },
  },
  handler: async (request, reply) => {
    const transfers = request.server.services.blobTransfers;
    if (!transfers) throw new ForbiddenError('The transfer link is invalid or has expired');
    const blob = await transfers.send(request.params.token);
    reply.header('content-type', blob.contentType).header('content-length', String(blob.sizeBytes)).header('etag', `"${blob.etag}"`);
    if (blob.contentDisposition) reply.header('content-disposition', blob.contentDisposition);
    // Streams bypass the response serializer: the schema only documents the bytes.
    const raw = reply as unknown as FastifyReply;
    // HEAD gets the headers only: Fastify would read the whole file to discard it, so close it and
    // hand over an empty stream (an empty payload would make Fastify send Content-Length 0).
    if (request.method === 'HEAD') {
      blob.body.destroy();
      return raw.send(Readable.from([]));
    }
    return raw.send(blob.body);
  },
});

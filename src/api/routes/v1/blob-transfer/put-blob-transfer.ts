import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { defineOperation } from '../../../define-operation.ts';
import { ForbiddenError, PayloadTooLargeError } from '../../../../engine/errors.ts';
import { PUBLIC } from '../../../policy.ts';
import { BLOB_TRANSFER_TAG, TransferParams } from '../../../schemas/blob-transfer.ts';

export default defineOperation({
  operationId: 'tessera_put_blob_transfer',
  method: 'PUT',
  url: '/:token',
  policy: PUBLIC,
  schema: {
    tags: [BLOB_TRANSFER_TAG],
    summary: 'Upload to a presigned URL',
    description:
      'The target of a presigned upload URL when blobs are stored on the filesystem (`TESSERA_BLOB_STORE=filesystem`); with S3 the URLs point at S3. ' +
      'No API key: the signed, expiring token is the credential, and it grants one PUT of one object. ' +
      'Send the raw bytes as the body with exactly the Content-Type the URL was made for (else 400 `content_type_mismatch`); ' +
      'a body larger than the URL allows is refused with 413 and nothing is stored; an expired or altered token is refused with 403. ' +
      'The body is streamed to the store, never held in memory. Answers 200 with an empty body and the stored bytes\' SHA-256 as `ETag`, like S3.',
    params: TransferParams,
    response: { 200: Type.Null({ description: "Stored; the ETag header is the body's SHA-256" }) },
  },
  handler: async (request, reply) => {
    const transfers = request.server.services.blobTransfers;
    if (!transfers) throw new ForbiddenError('The transfer link is invalid or has expired');
    const declared = request.headers['content-length'];
    try {
      const { etag } = await transfers.receive(request.params.token, {
        contentType: request.headers['content-type'],
        contentLength: declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined,
        // The plugin's content-type parser hands the request stream through unread.
        body: (request.body as Readable | undefined) ?? Readable.from([]),
      });
      reply.header('etag', `"${etag}"`);
      // An empty body, as S3 answers (the documented null is never serialized).
      return (reply as unknown as FastifyReply).code(200).send();
    } catch (err) {
      // The rest of a refused body is not worth reading: close the connection after the answer.
      if (err instanceof PayloadTooLargeError) reply.header('connection', 'close');
      throw err;
    }
  },
});

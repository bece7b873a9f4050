// The transfers behind the filesystem store's presigned URLs (PUT/GET /v1/blob-transfer/<token>).
// The token is the credential: it names one method, one key, the exact Content-Type and the most
// bytes a PUT may send, and an expiry. Every refusal of the token itself says the same short thing,
// so a caller learns nothing about why (tampered, expired, or made for the other method).
import type { Readable } from 'node:stream';
import { attachmentDisposition } from '../../lib/content-disposition.ts';
import { BadRequestError, ForbiddenError, NotFoundError, PayloadTooLargeError } from '../errors.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Clock } from '../ports/clock.ts';

export interface IncomingTransfer {
  contentType: string | undefined;
  /** The declared Content-Length, when the client sent one. */
  contentLength: number | undefined;
  body: Readable;
}

export interface OutgoingTransfer {
  body: Readable;
  contentType: string;
  sizeBytes: number;
  etag: string;
  contentDisposition: string | null;
}

const INVALID_LINK = 'The transfer link is invalid or has expired';

export class BlobTransferService {
  constructor(
    private readonly store: BlobStore,
    private readonly clock: Clock,
  ) {}

  /** Stores the body under the token's key; returns the new blob's ETag. */
  async receive(token: string, incoming: IncomingTransfer): Promise<{ etag: string }> {
    const grant = this.store.transfers?.verify(token, 'PUT', this.clock.now().getTime());
    if (!grant) throw new ForbiddenError(INVALID_LINK);
    if (grant.contentType !== null && incoming.contentType?.trim() !== grant.contentType) {
      throw new BadRequestError('The Content-Type must be the one the upload link was made for', { expected_content_type: grant.contentType }, 'content_type_mismatch');
    }
    // Refused before reading a byte when the client says up front that it is too large.
    if (grant.maxBytes !== null && incoming.contentLength !== undefined && incoming.contentLength > grant.maxBytes) {
      throw new PayloadTooLargeError(`The body is larger than the ${grant.maxBytes} bytes this upload link allows`, { max_bytes: grant.maxBytes });
    }
    const stored = await this.store.put(grant.key, incoming.body, {
      ...(grant.contentType !== null ? { contentType: grant.contentType } : {}),
      ...(grant.maxBytes !== null ? { maxBytes: grant.maxBytes } : {}),
    });
    // The stores with transfer tokens (filesystem) tag a blob with its SHA-256.
    return { etag: stored.sha256 };
  }

  async send(token: string): Promise<OutgoingTransfer> {
    const grant = this.store.transfers?.verify(token, 'GET', this.clock.now().getTime());
    if (!grant) throw new ForbiddenError(INVALID_LINK);
    const blob = await this.store.read(grant.key);
    if (!blob) throw new NotFoundError('blob', grant.key);
    return {
      body: blob.body,
      contentType: blob.head.contentType ?? 'application/octet-stream',
      sizeBytes: blob.head.sizeBytes,
      etag: blob.head.etag,
      contentDisposition: grant.filename !== null ? attachmentDisposition(grant.filename) : null,
    };
  }
}

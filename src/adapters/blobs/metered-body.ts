// Reads a put's body chunk by chunk, hashing and counting as it goes, and stops at maxBytes: both
// adapters stream through this, so neither ever holds a whole blob.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BlobTooLargeError } from '../../engine/errors.ts';

export class MeteredBody {
  sizeBytes = 0;
  private readonly hash = createHash('sha256');

  constructor(
    private readonly body: Uint8Array | Readable,
    private readonly maxBytes: number | undefined,
  ) {}

  /** The chunks as Buffers; throws BlobTooLargeError as soon as the total passes maxBytes. */
  async *chunks(): AsyncGenerator<Buffer> {
    // The caller owns the body: stopping early must not destroy it (an HTTP request's socket still
    // has to carry the 413 answer).
    const source: Iterable<unknown> | AsyncIterable<unknown> =
      this.body instanceof Uint8Array ? [this.body] : (this.body.iterator({ destroyOnReturn: false }) as unknown as AsyncIterable<unknown>);
    for await (const raw of source) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
      if (chunk.length === 0) continue;
      this.sizeBytes += chunk.length;
      if (this.maxBytes !== undefined && this.sizeBytes > this.maxBytes) throw new BlobTooLargeError(this.maxBytes);
      this.hash.update(chunk);
      yield chunk;
    }
  }

  sha256(): string {
    return this.hash.digest('hex');
  }
}

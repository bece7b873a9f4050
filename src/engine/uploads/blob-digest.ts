// Reads a stored blob once: its size, SHA-256, and the MIME type its first bytes show.
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { BlobKey, BlobStore } from '../ports/blob-store.ts';

/** file-type recognises every format it knows from this many leading bytes. */
const SNIFF_BYTES = 4100;

export interface BlobDigest {
  sizeBytes: number;
  sha256: string;
  /** null when the bytes match no known binary format (plain text, CSV, JSON …). */
  sniffedMime: string | null;
}

/** Streams the blob (never held whole in memory); undefined when the key holds nothing. */
export async function digestBlob(store: BlobStore, key: BlobKey): Promise<BlobDigest | undefined> {
  const stream = await store.open(key);
  if (!stream) return undefined;
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let sizeBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sizeBytes += chunk.length;
    if (headBytes < SNIFF_BYTES) {
      head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
      headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
    }
  }
  const sniffed = headBytes > 0 ? await fileTypeFromBuffer(Buffer.concat(head)) : undefined;
  return { sizeBytes, sha256: hash.digest('hex'), sniffedMime: sniffed?.mime ?? null };
}

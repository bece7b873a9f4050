// The blob store port: where object blobs and uploads keep their bytes. Two adapters (local
// filesystem, S3-compatible) pass one contract suite (test/contract/blob-store.contract.ts).
import type { Readable } from 'node:stream';

/**
 * A key Tessera builds from its own ids ("int_x/ns_y/bkt_z/obj_w/blob_v"), never from user input:
 * segments of [A-Za-z0-9_.-], no "..", no leading "/". Adapters refuse anything else.
 */
export type BlobKey = string;

export interface BlobPutOptions {
  /** Stored with the blob and returned by head(); the S3 adapter sets Content-Type. */
  contentType?: string;
  /** The write fails with BlobTooLargeError once more bytes arrive, and nothing is stored. */
  maxBytes?: number;
}

export interface StoredBlob {
  key: BlobKey;
  sizeBytes: number;
  /** SHA-256 of the bytes, lowercase hex, computed while streaming. */
  sha256: string;
  contentType: string | null;
}

export interface BlobHead {
  sizeBytes: number;
  contentType: string | null;
  /** The adapter's entity tag (S3 ETag without quotes; the filesystem adapter's own tag). */
  etag: string;
}

export interface PresignPutOptions {
  /** The PUT must send exactly this Content-Type. */
  contentType: string;
  /** The body may not exceed this many bytes. */
  maxBytes: number;
  expiresInSeconds: number;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Suggested download name (Content-Disposition). */
  filename?: string;
}

export interface BlobStore {
  readonly kind: 'filesystem' | 's3';
  /** Streams the body in; visible to readers only once complete (no half-written blob after a crash). */
  put(key: BlobKey, body: Uint8Array | Readable, options?: BlobPutOptions): Promise<StoredBlob>;
  head(key: BlobKey): Promise<BlobHead | undefined>;
  /** The bytes as a stream; undefined when the key holds nothing. */
  open(key: BlobKey): Promise<Readable | undefined>;
  /** The bytes with the head of that same version (a concurrent put cannot pair one's size with the other's bytes). */
  read(key: BlobKey): Promise<{ head: BlobHead; body: Readable } | undefined>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: BlobKey): Promise<void>;
  /** Deletes every blob under "prefix/" (a namespace's or bucket's); returns how many. */
  deletePrefix(prefix: BlobKey): Promise<number>;
  /** A URL a client can PUT the bytes to without an API key, until it expires. */
  presignPut(key: BlobKey, options: PresignPutOptions): Promise<string>;
  /** A URL a client can GET the bytes from without an API key, until it expires. */
  presignGet(key: BlobKey, options: PresignGetOptions): Promise<string>;
  /** The blob's internal address as Mixpeek shows it in BlobModel.properties.url (s3://bucket/key). */
  locationOf(key: BlobKey): string;
  /**
   * Present when this store's presigned URLs point at Tessera itself (the filesystem adapter): the
   * transfer routes ask it whether a token grants a transfer. Absent for S3 (the URLs point at S3).
   */
  readonly transfers?: BlobTransferAuthority;
  close(): Promise<void>;
}

/** What a valid transfer token allows: one method on one key, until it expires. */
export interface BlobTransferGrant {
  method: 'PUT' | 'GET';
  key: BlobKey;
  /** PUT: the exact Content-Type the request must send. */
  contentType: string | null;
  /** PUT: the largest body accepted. */
  maxBytes: number | null;
  /** GET: the suggested download name. */
  filename: string | null;
}

export interface BlobTransferAuthority {
  /** The grant, or undefined when the token is malformed, tampered with, expired or for another method. */
  verify(token: string, method: 'PUT' | 'GET', nowMs: number): BlobTransferGrant | undefined;
}

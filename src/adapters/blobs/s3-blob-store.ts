// The S3-compatible blob store (AWS S3, MinIO, R2, s3rver in tests). Bodies stream through in
// bounded parts: a body that fits in one part is one PutObject, a longer one a multipart upload
// holding one part in memory at a time (aborted on any failure, maxBytes included), so nothing
// incomplete ever becomes visible under the key. SHA-256 and size are computed while streaming.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import type { BlobHead, BlobKey, BlobPutOptions, BlobStore, PresignGetOptions, PresignPutOptions, StoredBlob } from '../../engine/ports/blob-store.ts';
import { attachmentDisposition } from '../../lib/content-disposition.ts';
import { validateBlobKey } from './blob-key.ts';
import { MeteredBody } from './metered-body.ts';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** Absent: AWS's endpoint for the region. */
  endpoint?: string | undefined;
  /** Absent: the SDK's default credential chain (environment, instance role…). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Path-style URLs (http://host/bucket/key): MinIO, s3rver and most self-hosted S3s need it. */
  forcePathStyle?: boolean;
  /** Prepended to every key ("prod/"), so several deployments can share a bucket. */
  keyPrefix?: string;
  /** Bytes held in memory per upload (S3's minimum part is 5 MiB); default 8 MiB. */
  partSizeBytes?: number;
}

const MIN_PART_BYTES = 5 * 1024 * 1024;

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    const prefix = options.keyPrefix ?? '';
    if (prefix !== '') validateBlobKey(prefix.replace(/\/+$/, ''));
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.partSize = Math.max(MIN_PART_BYTES, options.partSizeBytes ?? 8 * 1024 * 1024);
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      // Checksums only where S3 requires them: S3-compatible servers differ in what they accept, and
      // a presigned PUT must not carry a checksum of an empty body.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // An unreachable S3 fails a request within seconds (then the SDK's 3 attempts), and a stalled
      // socket after a minute of silence, instead of holding the request forever.
      requestHandler: { connectionTimeout: 5000, socketTimeout: 60_000 },
    });
  }

  async put(key: BlobKey, body: Uint8Array | Readable, options: BlobPutOptions = {}): Promise<StoredBlob> {
    const Key = this.fullKey(key);
    const contentType = options.contentType ?? null;
    const meter = new MeteredBody(body, options.maxBytes);
    const chunks = meter.chunks();
    const first = await this.nextPart(chunks);
    if (first.last) {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key, Body: first.bytes, ContentLength: first.bytes.length, ...(contentType ? { ContentType: contentType } : {}) }),
      );
      return { key, sizeBytes: meter.sizeBytes, sha256: meter.sha256(), contentType };
    }
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key, ...(contentType ? { ContentType: contentType } : {}) }),
    );
    try {
      const parts: CompletedPart[] = [];
      let part = first;
      for (let PartNumber = 1; ; PartNumber++) {
        const { ETag } = await this.client.send(
          new UploadPartCommand({ Bucket: this.bucket, Key, UploadId, PartNumber, Body: part.bytes, ContentLength: part.bytes.length }),
        );
        parts.push({ ETag, PartNumber });
        if (part.last) break;
        part = await this.nextPart(chunks);
        // A stream ending exactly on a part boundary leaves an empty last part: nothing to send.
        if (part.last && part.bytes.length === 0) break;
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId })).catch(() => undefined);
      throw err;
    }
    return { key, sizeBytes: meter.sizeBytes, sha256: meter.sha256(), contentType };
  }

  async head(key: BlobKey): Promise<BlobHead | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
      return { sizeBytes: res.ContentLength ?? 0, contentType: res.ContentType ?? null, etag: unquote(res.ETag) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async open(key: BlobKey): Promise<Readable | undefined> {
    return (await this.read(key))?.body;
  }

  async read(key: BlobKey): Promise<{ head: BlobHead; body: Readable } | undefined> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
      return {
        head: { sizeBytes: res.ContentLength ?? 0, contentType: res.ContentType ?? null, etag: unquote(res.ETag) },
        // In Node the SDK's body is the HTTP response stream.
        body: res.Body as Readable,
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async delete(key: BlobKey): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
  }

  async deletePrefix(prefix: BlobKey): Promise<number> {
    const Prefix = `${this.fullKey(prefix)}/`;
    let deleted = 0;
    // Listing again from the start after each batch: the deleted keys are gone from the listing.
    for (;;) {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length === 0) return deleted;
      const res = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
      if (res.Errors && res.Errors.length > 0) {
        throw new Error(`S3 refused to delete ${res.Errors.length} objects under ${Prefix}: ${res.Errors[0]?.Code ?? ''} ${res.Errors[0]?.Message ?? ''}`);
      }
      deleted += keys.length;
    }
  }

  /**
   * The Content-Type is signed (another one fails the signature). A presigned PUT cannot bound the
   * size (SigV4 signs an exact Content-Length or none): callers check head() afterwards.
   */
  async presignPut(key: BlobKey, options: PresignPutOptions): Promise<string> {
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key), ContentType: options.contentType });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds, signableHeaders: new Set(['content-type']) });
  }

  async presignGet(key: BlobKey, options: PresignGetOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.fullKey(key),
      ...(options.filename ? { ResponseContentDisposition: attachmentDisposition(options.filename) } : {}),
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  locationOf(key: BlobKey): string {
    return `s3://${this.bucket}/${this.fullKey(key)}`;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private fullKey(key: BlobKey): string {
    validateBlobKey(key);
    return `${this.prefix}${key}`;
  }

  /** Up to one part's bytes; `last` when the body ended within them. */
  private async nextPart(chunks: AsyncGenerator<Buffer>): Promise<{ bytes: Buffer; last: boolean }> {
    const held: Buffer[] = [];
    let size = 0;
    while (size < this.partSize) {
      const next = await chunks.next();
      if (next.done) return { bytes: Buffer.concat(held, size), last: true };
      held.push(next.value);
      size += next.value.length;
    }
    // A chunk may overshoot the part size; parts need not be equal, only ≥ 5 MiB but the last.
    return { bytes: Buffer.concat(held, size), last: false };
  }
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

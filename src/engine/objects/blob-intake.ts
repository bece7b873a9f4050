// Turns a parsed blob request (blob-input) into stored bytes and a BlobRecord: fetch or read the
// bytes, bound their size by the tier, sniff what they are, hash them, skip duplicates when the
// caller asks, and store them at a key built only from ids.
import type { Readable } from 'node:stream';
import { NotFoundError, UrlValidationError } from '../errors.ts';
import { newId } from '../../lib/ids.ts';
import { TIERS, type BlobSizeLimits } from '../accounts/tiers.ts';
import type { AccountTier } from '../accounts/types.ts';
import type { BlobKey, BlobStore } from '../ports/blob-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { UrlFetcher } from '../ports/url-fetcher.ts';
import { inspectBytes, inspectStream, requireMimeType, type ContentInspection } from './blob-content.ts';
import { sanitiseFilename, tooLarge, type BlobRequest } from './blob-input.ts';
import type { BlobRecord } from './blob-record.ts';

export interface BlobIntakeDeps {
  blobStore: BlobStore;
  urlFetcher: UrlFetcher;
  clock: Clock;
  /** Per-tier byte caps; the tier table's by default. */
  limits?: Readonly<Record<AccountTier, BlobSizeLimits>>;
  /** Whole-fetch deadline for one URL blob. */
  urlTimeoutMs?: number;
}

/** Where the blob belongs: every segment of its storage key comes from here. */
export interface BlobOwner {
  orgInternalId: string;
  namespaceId: string;
  bucketId: string;
  objectId: string;
  tier: AccountTier;
}

/** A confirmed upload as the uploads module resolves it (SPEC §9). */
export interface ResolvedUpload {
  storageKey: BlobKey;
  filename: string | null;
  contentType: string | null;
}

export interface IntakeOptions {
  /** Object-level skip_duplicates: a blob whose hash exists (per existsByHash) is not stored. */
  skipDuplicates?: boolean;
  /** Object-level canonicalize_source (default true); the blob's own value wins. */
  canonicalizeSource?: boolean;
  existsByHash?: (sha256: string) => boolean | Promise<boolean>;
  /** Resolves upload_id to a confirmed upload of this bucket; undefined → 404. */
  resolveUpload?: (uploadId: string) => Promise<ResolvedUpload | undefined>;
  /** Error paths name the blob with this ("blobs[2]"). */
  path?: string;
  blobId?: string;
}

export type IntakeResult = { status: 'stored'; blob: BlobRecord } | { status: 'duplicate'; property: string; hash: string };

const KEY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

interface Acquired {
  content: ContentInspection;
  /** The stored key when the bytes are already in this store and stay where they are (uploads). */
  existingKey: BlobKey | null;
  mimeHint: string | null;
  filename: string | null;
  sourceUrl: string | null;
  uploadId: string | null;
}

export class BlobIntake {
  constructor(private readonly deps: BlobIntakeDeps) {}

  private limitsFor(tier: AccountTier): BlobSizeLimits {
    return this.deps.limits?.[tier] ?? TIERS[tier].blobs;
  }

  async ingest(owner: BlobOwner, blob: BlobRequest, options: IntakeOptions = {}): Promise<IntakeResult> {
    const path = options.path ?? 'blob';
    const acquired = await this.acquire(owner, blob, options, path);
    const mimeType = await requireMimeType(blob.type, acquired.content, { mimeHint: acquired.mimeHint, filename: acquired.filename }, path);
    const hash = acquired.content.sha256;
    if (options.skipDuplicates === true && options.existsByHash !== undefined && (await options.existsByHash(hash))) {
      return { status: 'duplicate', property: blob.property, hash };
    }
    const blobId = options.blobId ?? newId('blob');
    const canonicalize = blob.canonicalizeSource ?? options.canonicalizeSource ?? true;
    let storageKey: BlobKey | null = acquired.existingKey;
    if (storageKey === null && (acquired.sourceUrl === null || canonicalize || acquired.sourceUrl.startsWith('s3:'))) {
      storageKey = [owner.orgInternalId, owner.namespaceId, owner.bucketId, owner.objectId, blobId].join('/');
      await this.deps.blobStore.put(storageKey, acquired.content.whole!, { contentType: mimeType, maxBytes: acquired.content.sizeBytes });
    }
    return {
      status: 'stored',
      blob: {
        blobId,
        property: blob.property,
        type: blob.type,
        keyPrefix: blob.keyPrefix,
        storageKey,
        // Not canonicalised: the blob is read from where the client said it is.
        location: storageKey === null ? acquired.sourceUrl! : this.deps.blobStore.locationOf(storageKey),
        filename: acquired.filename,
        sizeBytes: acquired.content.sizeBytes,
        mimeType,
        hash,
        sourceUrl: acquired.sourceUrl,
        uploadId: acquired.uploadId,
        metadata: blob.metadata,
        createdAt: this.deps.clock.now(),
      },
    };
  }

  private async acquire(owner: BlobOwner, blob: BlobRequest, options: IntakeOptions, path: string): Promise<Acquired> {
    const limits = this.limitsFor(owner.tier);
    const source = blob.source;
    const none = { existingKey: null, sourceUrl: null, uploadId: null };
    switch (source.kind) {
      case 'bytes':
        if (source.bytes.length > limits.inlineMaxBytes) throw tooLarge(`${path}.data`, source.bytes.length, limits.inlineMaxBytes);
        return { ...none, content: inspectBytes(source.bytes), mimeHint: source.mimeHint, filename: source.filename };
      case 'upload': {
        const upload = options.resolveUpload === undefined ? undefined : await options.resolveUpload(source.uploadId);
        if (upload === undefined) throw new NotFoundError('upload', source.uploadId);
        const stream = await this.deps.blobStore.open(upload.storageKey);
        if (stream === undefined) throw new NotFoundError('upload', source.uploadId);
        const content = await this.readStream(stream, limits.uploadMaxBytes, blob, `${path}.upload_id`);
        const filename = upload.filename === null ? null : sanitiseFilename(upload.filename);
        return { content, existingKey: upload.storageKey, mimeHint: upload.contentType, filename, sourceUrl: null, uploadId: source.uploadId };
      }
      case 'url':
        if (/^s3:/i.test(source.url)) return this.readInternal(owner, source.url, limits, path);
        {
          const fetched = await this.deps.urlFetcher.fetch(source.url, { maxBytes: limits.urlMaxBytes, timeoutMs: this.deps.urlTimeoutMs ?? 60_000 });
          if (fetched.bytes.length > limits.urlMaxBytes) throw tooLarge(`${path}.data`, fetched.bytes.length, limits.urlMaxBytes);
          const filename = fetched.filename === null ? null : sanitiseFilename(fetched.filename);
          return { ...none, content: inspectBytes(fetched.bytes), mimeHint: fetched.contentType, filename, sourceUrl: source.url };
        }
    }
  }

  private readStream(stream: Readable, maxBytes: number, blob: BlobRequest, path: string): Promise<ContentInspection> {
    const checkText = blob.type === 'text' || blob.type === 'excel';
    return inspectStream(stream, maxBytes, checkText, (size) => tooLarge(path, size, maxBytes));
  }

  /**
   * s3:// URLs: only this deployment's own blobs of the same organization (a blob's
   * properties.url reused in another object). They are copied, so deleting one object
   * never takes another's bytes.
   */
  private async readInternal(owner: BlobOwner, url: string, limits: BlobSizeLimits, path: string): Promise<Acquired> {
    const orgBase = this.deps.blobStore.locationOf(`${owner.orgInternalId}/x`).slice(0, -1);
    const key = url.startsWith(orgBase) ? `${owner.orgInternalId}/${url.slice(orgBase.length)}` : null;
    if (key === null || !KEY.test(key) || key.split('/').some((s) => s === '.' || s === '..')) {
      throw new UrlValidationError(`${path}.data: s3:// URLs are read only from this deployment's own storage; give an https:// (for example presigned) URL instead`, { field: `${path}.data`, reason: 'scheme' });
    }
    const stream = await this.deps.blobStore.open(key);
    if (stream === undefined) throw new UrlValidationError(`${path}.data: nothing is stored at ${url.slice(0, 300)}`, { field: `${path}.data`, reason: 'not_found' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.urlMaxBytes) {
        stream.destroy();
        throw tooLarge(`${path}.data`, size, limits.urlMaxBytes);
      }
      chunks.push(chunk);
    }
    return { content: inspectBytes(Buffer.concat(chunks)), existingKey: null, mimeHint: null, filename: null, sourceUrl: url, uploadId: null };
  }
}

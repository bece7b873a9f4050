// Uploads (SPEC §9): the presigned flow. Create checks everything (schema, type, tier cap,
// duplicates) before a URL is issued; the client PUTs the bytes straight to the blob store; confirm
// verifies what arrived (size, ETag, SHA-256, sniffed type), charges the upload credits and makes
// the object. Large files and batches confirm on the job queue.
import { newId } from '../../lib/ids.ts';
import { TIERS } from '../accounts/tiers.ts';
import { isBlobFieldType, normaliseFieldType, type BlobFieldType } from '../buckets/field-types.ts';
import type { CreditService } from '../billing/credit-service.ts';
import { BadRequestError, NotFoundError, PayloadTooLargeError, ServiceUnavailableError, TesseraError } from '../errors.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import { digestBlob } from './blob-digest.ts';
import type { UploadListFilter, UploadStats } from './upload-repositories.ts';
import {
  ASYNC_CONFIRM_BYTES,
  assertFilename,
  baseMime,
  blobTypeAccepts,
  blobTypeForMime,
  creditsForBytes,
  defaultBlobProperty,
  displayS3Key,
  MAX_URL_EXPIRATION_SECONDS,
  MIN_URL_EXPIRATION_SECONDS,
  uploadStorageKey,
} from './upload-rules.ts';
import type { UploadBucket, UploadBucketResolver, UploadConfirmScheduler, UploadObjects } from './upload-seams.ts';
import type { ResolvedUploadBlob, Upload } from './types.ts';

export interface NewUpload {
  filename: string;
  contentType: string;
  fileSizeBytes: number | null;
  presignedUrlExpiration: number;
  metadata: Record<string, unknown>;
  createObjectOnConfirm: boolean;
  objectMetadata: Record<string, unknown> | null;
  blobProperty: string | null;
  blobType: string | null;
  fileHash: string | null;
  skipDuplicates: boolean;
}

export interface UploadView {
  upload: Upload;
  presignedUrl: string | null;
  s3Key: string;
}

export interface ConfirmRequest {
  etag: string | null;
  fileSizeBytes: number | null;
  async: boolean;
}

export interface BatchConfirmation {
  uploadId: string;
  etag: string | null;
  fileSizeBytes: number | null;
}

export type UploadListQuery = Omit<UploadListFilter, 'bucketId'>;

export interface UploadPage {
  uploads: UploadView[];
  total: number;
  stats: UploadStats;
}

export interface UploadServiceOptions {
  /** Spend credits on confirmed uploads (off with usage accounting). */
  chargeCredits: boolean;
  creditsPerStartedMb: number;
}

/** A problem with the bytes or the client's declarations: the client's to fix (400), not a retry. */
class UploadRejected extends BadRequestError {}

/** Blob types whose bytes always start with a recognisable signature. */
const SIGNED_TYPES: ReadonlySet<string> = new Set(['image', 'video', 'audio', 'pdf']);
const EXPIRED_MESSAGE = 'The upload URL expired before the upload was confirmed';
/** A synchronous confirmation that has held an upload this long died with its process: claimable again. */
const STALE_CLAIM_MS = 10 * 60_000;

export class UploadService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly credits: CreditService,
    private readonly blobs: BlobStore | null,
    private readonly buckets: UploadBucketResolver,
    private readonly objects: UploadObjects,
    private readonly confirmations: UploadConfirmScheduler,
    private readonly options: UploadServiceOptions,
  ) {}

  async create(scope: RequestScope, bucketIdentifier: string, input: NewUpload): Promise<{ view: UploadView; created: boolean }> {
    const { scope: inNs, bucket } = await this.buckets.resolve(scope, bucketIdentifier, 'write_data');
    return this.createIn(inNs, bucket, input);
  }

  /** Every item is checked before any URL is issued: one bad item refuses the batch, nothing stored. */
  async createBatch(scope: RequestScope, bucketIdentifier: string, inputs: readonly NewUpload[]): Promise<UploadView[]> {
    const { scope: inNs, bucket } = await this.buckets.resolve(scope, bucketIdentifier, 'write_data');
    inputs.forEach((input, index) => {
      try {
        this.prepare(inNs, bucket, input);
      } catch (err) {
        if (err instanceof TesseraError) throw new BadRequestError(`uploads[${index}]: ${err.message}`, { index, ...(err.details ?? {}) });
        throw err;
      }
    });
    const views: UploadView[] = [];
    for (const input of inputs) views.push((await this.createIn(inNs, bucket, input)).view);
    return views;
  }

  async get(scope: RequestScope, bucketIdentifier: string, uploadId: string, presign: boolean): Promise<UploadView> {
    const { scope: inNs, bucket } = await this.buckets.resolve(scope, bucketIdentifier, 'read_data');
    const upload = await this.load(inNs, bucket, uploadId);
    return this.view(inNs, upload, presign);
  }

  async delete(scope: RequestScope, bucketIdentifier: string, uploadId: string, deleteBlob: boolean): Promise<void> {
    const { scope: inNs, bucket } = await this.buckets.resolve(scope, bucketIdentifier, 'delete_data');
    const upload = await this.load(inNs, bucket, uploadId);
    if (upload.status === 'COMPLETED' || upload.status === 'PROCESSING') {
      throw new BadRequestError(`An upload in status ${upload.status} cannot be deleted`, { upload_id: uploadId, status: upload.status });
    }
    if (deleteBlob && upload.status !== 'SKIPPED') await this.requireBlobs().delete(upload.storageKey);
    await this.store.uploads.remove(inNs, uploadId);
  }

  async list(scope: RequestScope, bucketIdentifier: string, query: UploadListQuery, presign: boolean): Promise<UploadPage> {
    const { scope: inNs, bucket } = await this.buckets.resolve(scope, bucketIdentifier, 'read_data');
    // Expiry is applied when uploads are read (here and in load) and by the namespace.expire sweep.
    await this.store.uploads.failExpired(inNs, this.clock.now().toISOString(), bucket.bucketId);
    const page = await this.store.uploads.list(inNs, { ...query, bucketId: bucket.bucketId });
    const uploads = await Promise.all(page.uploads.map((u) => this.view(inNs, u, presign)));
    return { uploads, total: page.total, stats: page.stats };
  }

  /**
   * Confirms an upload. Idempotent: an upload already COMPLETED (or being confirmed by a task)
   * answers with its current state. Problems with the bytes leave it PENDING (re-PUT and confirm
   * again) and answer 400.
   */
  async confirm(scope: RequestScope, bucketIdentifier: string, uploadId: string, request: ConfirmRequest): Promise<Upload> {
    const { scope: inNs, bucket } = await this.buckets.resolve(scope, bucketIdentifier, 'write_data');
    const upload = await this.load(inNs, bucket, uploadId);
    switch (upload.status) {
      case 'COMPLETED':
        return this.ensureObject(inNs, bucket, upload);
      case 'SKIPPED':
        return upload;
      case 'PROCESSING':
        if (upload.taskId !== null || !this.staleClaim(upload)) return upload;
        break;
      case 'FAILED':
      case 'CANCELED':
        throw new BadRequestError(`The upload is ${upload.status}${upload.message ? `: ${upload.message}` : ''}`, { upload_id: uploadId, status: upload.status });
      default:
        break;
    }
    const blobs = this.requireBlobs();
    const head = await blobs.head(upload.storageKey);
    if (!head) throw new BadRequestError('The file has not been uploaded yet: PUT it to the presigned URL, then confirm', { upload_id: uploadId });
    const declared = this.checkDeclared(inNs, upload, head, request.etag, request.fileSizeBytes);

    if (request.async || head.sizeBytes >= ASYNC_CONFIRM_BYTES) {
      const claimed = await this.store.transaction(async (repos) => {
        const { taskId } = await this.confirmations.schedule(repos, inNs, bucket.bucketId, [uploadId], false);
        const ok = await repos.uploads.transition(inNs, uploadId, [upload.status], { status: 'PROCESSING', taskId, etag: declared.etag, fileSizeBytes: declared.sizeBytes, message: 'Confirmation is running as a task' });
        if (!ok) throw new LostRace();
        return true;
      }).catch((err: unknown) => {
        if (err instanceof LostRace) return false;
        throw err;
      });
      // Lost the race: another confirmation claimed it first; either way, the current state.
      void claimed;
      return this.mustFind(inNs, bucket, uploadId);
    }

    const claimedAt = this.clock.now().toISOString();
    const claimed = await this.store.uploads.transition(inNs, uploadId, [upload.status], { status: 'PROCESSING', processingSince: claimedAt, etag: declared.etag, fileSizeBytes: declared.sizeBytes });
    if (!claimed) return this.mustFind(inNs, bucket, uploadId);
    try {
      return await this.verifyAndComplete(inNs, bucket, { ...upload, status: 'PROCESSING', etag: declared.etag, fileSizeBytes: declared.sizeBytes });
    } catch (err) {
      if (err instanceof ObjectNotCreated) throw err.cause;
      // Nothing was completed: back to PENDING so the client can fix the bytes and confirm again.
      const message = err instanceof Error ? err.message : String(err);
      await this.store.uploads.transition(inNs, uploadId, ['PROCESSING'], { status: 'PENDING', processingSince: null, message }).catch(() => undefined);
      throw err;
    }
  }

  /** Always a task: marks the PENDING uploads PROCESSING and enqueues one job, in one transaction. */
  async confirmBatch(scope: RequestScope, bucketIdentifier: string, items: readonly BatchConfirmation[]): Promise<{ taskId: string; count: number }> {
    const { scope: inNs, bucket } = await this.buckets.resolve(scope, bucketIdentifier, 'write_data');
    const seen = new Set<string>();
    const uploads: { upload: Upload; item: BatchConfirmation }[] = [];
    for (const item of items) {
      if (seen.has(item.uploadId)) throw new BadRequestError(`upload ${item.uploadId} is listed twice`, { upload_id: item.uploadId });
      seen.add(item.uploadId);
      const upload = await this.load(inNs, bucket, item.uploadId);
      if (upload.status === 'FAILED' || upload.status === 'CANCELED') throw new BadRequestError(`The upload ${upload.uploadId} is ${upload.status}`, { upload_id: upload.uploadId, status: upload.status });
      uploads.push({ upload, item });
    }
    const taskId = await this.store.transaction(async (repos) => {
      const { taskId } = await this.confirmations.schedule(repos, inNs, bucket.bucketId, [...seen], true);
      for (const { upload, item } of uploads) {
        if (upload.status !== 'PENDING') continue;
        if (item.fileSizeBytes !== null && upload.fileSizeBytes !== null && item.fileSizeBytes !== upload.fileSizeBytes) {
          throw new BadRequestError(`upload ${upload.uploadId}: file_size_bytes ${item.fileSizeBytes} differs from the ${upload.fileSizeBytes} declared at creation`, { upload_id: upload.uploadId });
        }
        await repos.uploads.transition(inNs, upload.uploadId, ['PENDING'], {
          status: 'PROCESSING',
          taskId,
          etag: item.etag === null ? null : stripQuotes(item.etag),
          fileSizeBytes: item.fileSizeBytes ?? upload.fileSizeBytes,
          message: 'Confirmation is running as a task',
        });
      }
      return taskId;
    });
    return { taskId, count: items.length };
  }

  /**
   * The 'upload.confirm' job: confirms each listed upload still PROCESSING. A problem with the bytes
   * marks that upload FAILED (nobody is waiting to fix it); an infrastructure failure is rethrown so
   * the queue retries (the upload stays PROCESSING). Returns what became of each.
   */
  async runConfirmJob(scope: RequestScope, bucketId: string, uploadIds: readonly string[]): Promise<{ completed: string[]; failed: { upload_id: string; error: string }[] }> {
    const { scope: inNs, bucket } = await this.buckets.resolve(scope, bucketId, 'write_data');
    const completed: string[] = [];
    const failed: { upload_id: string; error: string }[] = [];
    let retry: unknown = null;
    for (const uploadId of uploadIds) {
      const upload = await this.store.uploads.find(inNs, bucket.bucketId, uploadId);
      if (!upload) {
        failed.push({ upload_id: uploadId, error: 'not found' });
        continue;
      }
      if (upload.status === 'COMPLETED') {
        completed.push(uploadId);
        continue;
      }
      if (upload.status !== 'PROCESSING') {
        if (upload.status === 'FAILED') failed.push({ upload_id: uploadId, error: upload.message ?? 'failed' });
        continue;
      }
      try {
        await this.verifyAndComplete(inNs, bucket, upload);
        completed.push(uploadId);
      } catch (err) {
        if (err instanceof ObjectNotCreated) {
          failed.push({ upload_id: uploadId, error: `object not created: ${err.message}` });
        } else if (err instanceof TesseraError && err.status < 500) {
          await this.store.uploads.transition(inNs, uploadId, ['PROCESSING'], { status: 'FAILED', message: err.message });
          failed.push({ upload_id: uploadId, error: err.message });
        } else {
          retry = err;
        }
      }
    }
    if (retry !== null) throw retry;
    return { completed, failed };
  }

  /** For objects: the blob a COMPLETED upload of this bucket holds; undefined otherwise. */
  async resolveForObject(scope: RequestScope, bucketId: string, uploadId: string): Promise<ResolvedUploadBlob | undefined> {
    const upload = await this.store.uploads.find(scope, bucketId, uploadId);
    // COMPLETED, or verified and having its object made (PROCESSING with verified_at).
    const ready = upload?.status === 'COMPLETED' || (upload?.status === 'PROCESSING' && upload.verifiedAt !== null);
    if (!upload || !ready || upload.fileHash === null || upload.fileSizeBytes === null) return undefined;
    return {
      uploadId,
      storageKey: upload.storageKey,
      sizeBytes: upload.fileSizeBytes,
      sha256: upload.fileHash,
      mimeType: upload.detectedMimeType ?? baseMime(upload.contentType),
      filename: upload.filename,
    };
  }

  /** The sweep (namespace.expire): PENDING uploads of the scope's namespace past their URL expiry become FAILED. */
  async expireStale(scope: RequestScope): Promise<number> {
    return this.store.uploads.failExpired(scope, this.clock.now().toISOString());
  }

  private async createIn(scope: RequestScope, bucket: UploadBucket, input: NewUpload): Promise<{ view: UploadView; created: boolean }> {
    const prepared = this.prepare(scope, bucket, input);
    const now = this.clock.now();
    const uploadId = newId('upload', 16);
    const namespaceId = bucket.namespace.namespaceId;
    const base: Upload = {
      uploadId,
      organizationInternalId: scope.organization.internalId,
      namespaceId,
      bucketId: bucket.bucketId,
      filename: input.filename,
      contentType: input.contentType,
      fileSizeBytes: input.fileSizeBytes,
      presignedUrlExpiration: input.presignedUrlExpiration,
      storageKey: uploadStorageKey(scope.organization.internalId, namespaceId, bucket.bucketId, uploadId),
      status: 'PENDING',
      metadata: input.metadata,
      createObjectOnConfirm: input.createObjectOnConfirm,
      objectMetadata: input.objectMetadata,
      blobProperty: prepared.blobProperty,
      blobType: prepared.blobType,
      fileHash: input.fileHash,
      skipDuplicates: input.skipDuplicates,
      isDuplicate: false,
      duplicateOfUploadId: null,
      existingObjectId: null,
      etag: null,
      objectId: null,
      taskId: null,
      detectedMimeType: null,
      message: null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + input.presignedUrlExpiration * 1000).toISOString(),
      completedAt: null,
      verifiedAt: null,
      processingSince: null,
    };

    if (input.fileHash !== null && input.skipDuplicates) {
      const previous = await this.store.uploads.findCompletedByHash(scope, bucket.bucketId, input.fileHash);
      const existingObjectId = previous?.objectId ?? null;
      if (previous || (await this.objects.hasBlobHash(scope, bucket.bucketId, input.fileHash))) {
        const duplicate: Upload = {
          ...base,
          status: 'SKIPPED',
          isDuplicate: true,
          duplicateOfUploadId: previous?.uploadId ?? null,
          existingObjectId,
          message: 'A file with this file_hash is already in the bucket: nothing to upload',
        };
        await this.store.uploads.insert(duplicate);
        return { view: this.plainView(duplicate), created: false };
      }
    }

    const cap = TIERS[scope.organization.accountType].blobs.uploadMaxBytes;
    // Signed before the record is written: a blob store that cannot sign leaves nothing behind.
    const presignedUrl = await this.requireBlobs().presignPut(base.storageKey, {
      contentType: input.contentType,
      maxBytes: input.fileSizeBytes ?? cap,
      expiresInSeconds: input.presignedUrlExpiration,
    });
    await this.store.uploads.insert(base);
    return { view: { ...this.plainView(base), presignedUrl }, created: true };
  }

  /** Every check of a new upload; throws before anything is stored or signed. */
  private prepare(scope: RequestScope, bucket: UploadBucket, input: NewUpload): { blobProperty: string; blobType: BlobFieldType } {
    assertFilename(input.filename);
    if (!/^[A-Za-z0-9][\w.+-]*\/[\w.+-]+(\s*;.*)?$/.test(input.contentType) || input.contentType.length > 255) {
      throw new BadRequestError('content_type must be a MIME type such as image/png', { field: 'content_type' });
    }
    if (input.presignedUrlExpiration < MIN_URL_EXPIRATION_SECONDS || input.presignedUrlExpiration > MAX_URL_EXPIRATION_SECONDS) {
      throw new BadRequestError(`presigned_url_expiration must be between ${MIN_URL_EXPIRATION_SECONDS} and ${MAX_URL_EXPIRATION_SECONDS} seconds`, { field: 'presigned_url_expiration' });
    }
    this.assertWithinTierCap(scope, input.fileSizeBytes);

    let blobType: BlobFieldType | null = null;
    if (input.blobType !== null) {
      const t = normaliseFieldType(input.blobType);
      if (t === null || !isBlobFieldType(t)) throw new BadRequestError(`blob_type '${input.blobType}' is not a blob type`, { field: 'blob_type' });
      blobType = t;
    }
    const blobProperty = input.blobProperty ?? defaultBlobProperty(input.filename);
    if (input.createObjectOnConfirm) {
      const schemaType = bucket.blobProperties[blobProperty];
      if (schemaType === undefined) {
        throw new BadRequestError(`blob_property '${blobProperty}' is not a blob field of the bucket schema`, { field: 'blob_property', blob_property: blobProperty, blob_fields: Object.keys(bucket.blobProperties) });
      }
      if (blobType !== null && blobType !== schemaType) {
        throw new BadRequestError(`blob_type '${blobType}' does not match the schema's type '${schemaType}' for '${blobProperty}'`, { field: 'blob_type' });
      }
      blobType = schemaType;
    }
    blobType ??= blobTypeForMime(input.contentType);
    if (!blobTypeAccepts(blobType, input.contentType)) {
      throw new BadRequestError(`content_type '${input.contentType}' cannot fill a '${blobType}' blob`, { field: 'content_type', blob_type: blobType });
    }
    return { blobProperty, blobType };
  }

  private assertWithinTierCap(scope: RequestScope, sizeBytes: number | null): void {
    const tier = scope.organization.accountType;
    const cap = TIERS[tier].blobs.uploadMaxBytes;
    if (sizeBytes !== null && sizeBytes > cap) {
      throw new PayloadTooLargeError(`file_size_bytes ${sizeBytes} exceeds the ${tier} tier's upload limit of ${cap} bytes`, { file_size_bytes: sizeBytes, limit_bytes: cap, tier });
    }
  }

  /** The client's and the creation's declarations against what the store holds (before reading the bytes). */
  private checkDeclared(scope: RequestScope, upload: Upload, head: { sizeBytes: number; etag: string }, etag: string | null, sizeBytes: number | null): { etag: string | null; sizeBytes: number | null } {
    const declaredEtag = etag === null ? null : stripQuotes(etag);
    if (declaredEtag !== null && declaredEtag !== head.etag) {
      throw new UploadRejected(`etag '${declaredEtag}' does not match the stored file's '${head.etag}'`, { upload_id: upload.uploadId, field: 'etag' });
    }
    for (const [what, declared] of [['confirm request', sizeBytes], ['upload', upload.fileSizeBytes]] as const) {
      if (declared !== null && declared !== head.sizeBytes) {
        throw new UploadRejected(`file_size_bytes ${declared} (from the ${what}) does not match the ${head.sizeBytes} bytes stored`, { upload_id: upload.uploadId, field: 'file_size_bytes', expected: declared, actual: head.sizeBytes });
      }
    }
    this.assertWithinTierCap(scope, head.sizeBytes);
    return { etag: declaredEtag, sizeBytes: sizeBytes ?? upload.fileSizeBytes };
  }

  /** Reads the bytes once (hash + sniff), checks them, charges, marks COMPLETED, then makes the object. */
  private async verifyAndComplete(scope: RequestScope, bucket: UploadBucket, upload: Upload): Promise<Upload> {
    const blobs = this.requireBlobs();
    const head = await blobs.head(upload.storageKey);
    if (!head) throw new UploadRejected('The file has not been uploaded yet', { upload_id: upload.uploadId });
    this.checkDeclared(scope, upload, head, upload.etag, upload.fileSizeBytes);
    const digest = await digestBlob(blobs, upload.storageKey);
    if (!digest) throw new UploadRejected('The file has not been uploaded yet', { upload_id: upload.uploadId });
    if (upload.fileHash !== null && upload.fileHash !== digest.sha256) {
      throw new UploadRejected(`The uploaded bytes' SHA-256 ${digest.sha256} differs from the declared file_hash`, { upload_id: upload.uploadId, field: 'file_hash', expected: upload.fileHash, actual: digest.sha256 });
    }
    // Media and PDF always carry a signature: bytes without one are not what they claim (as intake rules).
    if (digest.sniffedMime === null && upload.blobType !== null && SIGNED_TYPES.has(upload.blobType)) {
      throw new UploadRejected(`The uploaded bytes are unrecognised binary data, not a ${upload.blobType} file`, { upload_id: upload.uploadId, blob_type: upload.blobType });
    }
    const mime = digest.sniffedMime ?? baseMime(upload.contentType);
    if (upload.blobType !== null && !blobTypeAccepts(upload.blobType, mime)) {
      throw new UploadRejected(`The uploaded bytes are ${mime}, which cannot fill a '${upload.blobType}' blob`, { upload_id: upload.uploadId, detected_mime_type: mime, blob_type: upload.blobType });
    }
    if (this.options.chargeCredits) {
      await this.credits.spend(scope, { operation: 'upload_confirm', credits: creditsForBytes(digest.sizeBytes, this.options.creditsPerStartedMb), referenceId: `upload.confirm:${upload.uploadId}` });
    }
    // Verified, still PROCESSING: the object is made from it (resolveForObject takes a verified
    // upload), and COMPLETED shows only once the object exists (or its creation failed).
    const verified = { fileSizeBytes: digest.sizeBytes, fileHash: digest.sha256, etag: head.etag, detectedMimeType: mime, verifiedAt: this.clock.now().toISOString() };
    await this.store.uploads.transition(scope, upload.uploadId, ['PROCESSING'], verified);
    let objectId: string | null = null;
    let message: string | null = null;
    let failure: unknown = null;
    if (upload.createObjectOnConfirm && upload.blobProperty !== null && upload.blobType !== null) {
      try {
        objectId = await this.objects.createFromUpload(scope, bucket, { uploadId: upload.uploadId, blobProperty: upload.blobProperty, blobType: upload.blobType, objectMetadata: upload.objectMetadata });
      } catch (err) {
        failure = err;
        message = `The file is stored but its object was not created (confirm again to retry): ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    await this.store.uploads.transition(scope, upload.uploadId, ['PROCESSING'], { status: 'COMPLETED', objectId, message, completedAt: this.clock.now().toISOString(), processingSince: null });
    if (failure !== null) throw new ObjectNotCreated(failure);
    return this.mustFind(scope, bucket, upload.uploadId);
  }

  /** The object of a COMPLETED upload, made now if it should exist and does not yet (a retried confirm). */
  private async ensureObject(scope: RequestScope, bucket: UploadBucket, upload: Upload): Promise<Upload> {
    if (!upload.createObjectOnConfirm || upload.objectId !== null || upload.blobProperty === null || upload.blobType === null) return upload;
    try {
      const objectId = await this.objects.createFromUpload(scope, bucket, { uploadId: upload.uploadId, blobProperty: upload.blobProperty, blobType: upload.blobType, objectMetadata: upload.objectMetadata });
      await this.store.uploads.transition(scope, upload.uploadId, ['COMPLETED'], { objectId, message: null });
      return { ...upload, objectId, message: null };
    } catch (err) {
      const message = `The file is stored but its object was not created (confirm again to retry): ${err instanceof Error ? err.message : String(err)}`;
      await this.store.uploads.transition(scope, upload.uploadId, ['COMPLETED'], { message }).catch(() => undefined);
      throw err;
    }
  }

  private staleClaim(upload: Upload): boolean {
    return upload.processingSince !== null && this.clock.now().getTime() - Date.parse(upload.processingSince) > STALE_CLAIM_MS;
  }

  /** An upload of this bucket, its URL expiry applied. */
  private async load(scope: RequestScope, bucket: UploadBucket, uploadId: string): Promise<Upload> {
    const upload = await this.mustFind(scope, bucket, uploadId);
    if (upload.status === 'PENDING' && Date.parse(upload.expiresAt) <= this.clock.now().getTime()) {
      await this.store.uploads.transition(scope, uploadId, ['PENDING'], { status: 'FAILED', message: EXPIRED_MESSAGE });
      return { ...upload, status: 'FAILED', message: EXPIRED_MESSAGE };
    }
    return upload;
  }

  private async mustFind(scope: RequestScope, bucket: UploadBucket, uploadId: string): Promise<Upload> {
    const upload = await this.store.uploads.find(scope, bucket.bucketId, uploadId);
    if (!upload) throw new NotFoundError('upload', uploadId);
    return upload;
  }

  private plainView(upload: Upload): UploadView {
    return { upload, presignedUrl: null, s3Key: displayS3Key(upload.organizationInternalId, upload.namespaceId, upload.uploadId, upload.filename) };
  }

  /** With presign: a fresh PUT URL for a PENDING upload (until its expiry), a GET URL for a COMPLETED one. */
  private async view(scope: RequestScope, upload: Upload, presign: boolean): Promise<UploadView> {
    const plain = this.plainView(upload);
    if (!presign || !this.blobs) return plain;
    if (upload.status === 'PENDING') {
      const seconds = Math.floor((Date.parse(upload.expiresAt) - this.clock.now().getTime()) / 1000);
      if (seconds < 1) return plain;
      const cap = TIERS[scope.organization.accountType].blobs.uploadMaxBytes;
      return { ...plain, presignedUrl: await this.blobs.presignPut(upload.storageKey, { contentType: upload.contentType, maxBytes: upload.fileSizeBytes ?? cap, expiresInSeconds: seconds }) };
    }
    if (upload.status === 'COMPLETED') {
      return { ...plain, presignedUrl: await this.blobs.presignGet(upload.storageKey, { expiresInSeconds: 3600, filename: upload.filename }) };
    }
    return plain;
  }

  private requireBlobs(): BlobStore {
    if (!this.blobs) throw new ServiceUnavailableError('No blob store is configured', 5);
    return this.blobs;
  }
}

class LostRace extends Error {}

/** The upload is COMPLETED but its object failed: the object's error, not a reason to undo the upload. */
class ObjectNotCreated extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

function stripQuotes(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

// The upload as the engine knows it (SPEC §9). Presenters turn it into UploadResponse.
import type { BlobFieldType } from '../buckets/field-types.ts';

/**
 * PENDING until confirmed; PROCESSING while a confirmation runs (a task, or a synchronous confirm
 * in flight); COMPLETED, FAILED (expired unconfirmed, or its confirmation job failed) or CANCELED.
 * SKIPPED: a duplicate (file_hash already in the bucket) recorded without a URL. IN_PROGRESS is in
 * the enum but never set: the PUT goes to the blob store, which tells Tessera nothing until confirm.
 */
export const UPLOAD_STATUSES = ['PENDING', 'IN_PROGRESS', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED', 'SKIPPED'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

export interface Upload {
  uploadId: string;
  organizationInternalId: string;
  namespaceId: string;
  bucketId: string;
  filename: string;
  contentType: string;
  /** Declared at create (null: not declared); the verified size once COMPLETED. */
  fileSizeBytes: number | null;
  presignedUrlExpiration: number;
  /** Where the bytes live in the blob store: built from ids only (uploadStorageKey). */
  storageKey: string;
  status: UploadStatus;
  metadata: Record<string, unknown>;
  createObjectOnConfirm: boolean;
  objectMetadata: Record<string, unknown> | null;
  blobProperty: string | null;
  blobType: BlobFieldType | null;
  /** Declared (verified on confirm) or, once COMPLETED, computed: SHA-256 lowercase hex. */
  fileHash: string | null;
  skipDuplicates: boolean;
  isDuplicate: boolean;
  duplicateOfUploadId: string | null;
  existingObjectId: string | null;
  etag: string | null;
  objectId: string | null;
  taskId: string | null;
  /** MIME type sniffed from the bytes on confirm (the declared one when nothing is recognisable). */
  detectedMimeType: string | null;
  message: string | null;
  createdAt: string;
  expiresAt: string;
  completedAt: string | null;
  verifiedAt: string | null;
  /** When a synchronous confirmation claimed it (a crashed one can be claimed again later). */
  processingSince: string | null;
}

/** What an object's blob gets from a COMPLETED upload (`upload_id` in CreateBlobRequest). */
export interface ResolvedUploadBlob {
  uploadId: string;
  storageKey: string;
  sizeBytes: number;
  sha256: string;
  mimeType: string;
  filename: string;
}

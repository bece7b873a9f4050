// The uploads module's repository port. Every method takes the tenant (organization and namespace):
// an upload of another organization or namespace is never found, counted or changed.
import type { TenantScope } from '../scope/request-scope.ts';
import type { Upload, UploadStatus } from './types.ts';

/** Equality filters the list accepts (Mixpeek's shorthand `{"status": "PENDING"}`). */
export interface UploadListFilter {
  bucketId: string;
  status?: readonly UploadStatus[];
  filename?: string;
  contentType?: string;
  blobProperty?: string;
  fileHash?: string;
  uploadIds?: readonly string[];
  /** `metadata.<key>` equalities on scalar values. */
  metadata?: Record<string, string | number | boolean>;
  /** Substring of the filename or of the metadata's JSON text, case-insensitive. */
  search?: string;
  sortField: 'created_at' | 'filename' | 'file_size_bytes' | 'status' | 'expires_at' | 'completed_at';
  sortDirection: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface UploadStats {
  totalUploads: number;
  totalSizeBytes: number;
  uploadsByStatus: Record<string, number>;
  uniqueBuckets: number;
}

export type UploadChanges = Partial<Pick<Upload, 'status' | 'fileSizeBytes' | 'fileHash' | 'etag' | 'objectId' | 'taskId' | 'message' | 'completedAt' | 'verifiedAt' | 'detectedMimeType' | 'processingSince'>>;

export interface UploadRepository {
  insert(upload: Upload): Promise<void>;
  find(tenant: TenantScope, bucketId: string, uploadId: string): Promise<Upload | undefined>;
  /** Applies the changes only while the upload is in one of `from`; false when it was not. */
  transition(tenant: TenantScope, uploadId: string, from: readonly UploadStatus[], changes: UploadChanges): Promise<boolean>;
  remove(tenant: TenantScope, uploadId: string): Promise<void>;
  /** Every upload record of a bucket (its deletion cascade); returns how many. */
  removeAllInBucket(tenant: TenantScope, bucketId: string): Promise<number>;
  list(tenant: TenantScope, filter: UploadListFilter): Promise<{ uploads: Upload[]; total: number; stats: UploadStats }>;
  /** The most recent COMPLETED upload of the bucket with these bytes (duplicate detection). */
  findCompletedByHash(tenant: TenantScope, bucketId: string, fileHash: string): Promise<Upload | undefined>;
  /** PENDING uploads whose URL expired become FAILED; returns how many (lazy expiry and the sweep). */
  failExpired(tenant: TenantScope, now: string, bucketId?: string): Promise<number>;
}

export interface UploadRepositories {
  uploads: UploadRepository;
}

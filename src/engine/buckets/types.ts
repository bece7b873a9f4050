// The bucket as the engine knows it (SPEC §7). Presenters turn it into BucketResponse.
import type { BucketSchema } from './field-types.ts';
import type { UniqueKeyConfig } from './unique-key.ts';
import type { BatchStats } from '../batches/types.ts';

export type BucketStatus = 'ACTIVE' | 'DELETING';

export interface Bucket {
  bucketId: string;
  organizationInternalId: string;
  namespaceId: string;
  bucketName: string;
  description: string | null;
  bucketSchema: BucketSchema;
  /** Immutable once created. */
  uniqueKey: UniqueKeyConfig | null;
  metadata: Record<string, unknown>;
  status: BucketStatus;
  isLocked: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a bucket holds, counted from its objects whenever it is read. */
export interface BucketContents {
  objectCount: number;
  totalSizeBytes: number;
  maxSizeBytes: number;
  minSizeBytes: number;
  /** When its newest object was created; null when it has none. */
  lastUploadAt: string | null;
  /** Its batches by state (BucketResponse.batch_stats). */
  batchStats: BatchStats;
}

export const EMPTY_CONTENTS: BucketContents = { objectCount: 0, totalSizeBytes: 0, maxSizeBytes: 0, minSizeBytes: 0, lastUploadAt: null, batchStats: { total: 0, active: 0, completed: 0, failed: 0 } };

export interface BucketWithContents extends Bucket {
  contents: BucketContents;
}

export interface BucketChanges {
  bucketName?: string;
  description?: string | null;
  metadata?: Record<string, unknown>;
}

// The bucket object as the engine knows it (SPEC §8). Presenters turn it into ObjectResponse.
import type { BlobRecord } from './blob-record.ts';

export const OBJECT_STATUSES = ['DRAFT', 'PENDING', 'IN_PROGRESS', 'PROCESSING', 'COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED'] as const;
export type ObjectStatus = string;

export interface SourceDetail {
  type: string;
  source_id: string;
}

export interface BucketObject {
  objectId: string;
  organizationInternalId: string;
  namespaceId: string;
  bucketId: string;
  keyPrefix: string | null;
  /** User fields, flat (as the client sent them, schema defaults filled in). */
  fields: Record<string, unknown>;
  blobs: BlobRecord[];
  status: ObjectStatus;
  error: string | null;
  /** The unique-key value (see uniqueKeyValue) when the bucket has a unique key. */
  uniqueKeyValue: string | null;
  sourceDetails: SourceDetail[];
  totalSizeBytes: number;
  createdAt: string;
  updatedAt: string;
}

export interface ObjectChanges {
  keyPrefix?: string | null;
  fields?: Record<string, unknown>;
  blobs?: BlobRecord[];
  uniqueKeyValue?: string | null;
  totalSizeBytes?: number;
}

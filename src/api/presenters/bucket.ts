// Buckets as Mixpeek's BucketResponse.
import { bucketSchemaToJson } from '../../engine/buckets/bucket-schema.ts';
import type { BucketWithContents } from '../../engine/buckets/types.ts';
import { uniqueKeyToJson } from '../../engine/buckets/unique-key.ts';
import type { BucketResponseBody, ListBucketsResponseBody } from '../schemas/buckets.ts';
import { toPagination } from './pagination.ts';

export function toBucketResponse(b: BucketWithContents): BucketResponseBody {
  const c = b.contents;
  return {
    bucket_id: b.bucketId,
    bucket_name: b.bucketName,
    namespace_id: b.namespaceId,
    description: b.description,
    bucket_schema: bucketSchemaToJson(b.bucketSchema),
    unique_key: b.uniqueKey === null ? null : uniqueKeyToJson(b.uniqueKey),
    metadata: b.metadata,
    object_count: c.objectCount,
    total_size_bytes: c.totalSizeBytes,
    created_at: b.createdAt,
    updated_at: b.updatedAt,
    last_upload_at: c.lastUploadAt,
    status: b.status,
    is_locked: b.isLocked,
    batch_stats: { ...c.batchStats },
    storage_stats: {
      total_size_bytes: c.totalSizeBytes,
      avg_size_bytes: c.objectCount === 0 ? 0 : c.totalSizeBytes / c.objectCount,
      max_size_bytes: c.maxSizeBytes,
      min_size_bytes: c.minSizeBytes,
    },
  };
}

export function toBucketList(page: { buckets: BucketWithContents[]; total: number }, window: { limit: number; offset: number }): ListBucketsResponseBody {
  const results = page.buckets.map(toBucketResponse);
  const totalObjects = results.reduce((n, b) => n + b.object_count, 0);
  const totalSize = results.reduce((n, b) => n + b.total_size_bytes, 0);
  const n = results.length;
  return {
    results,
    total_count: page.total,
    // The bucket list body carries limit/offset; its total is always counted.
    pagination: toPagination(window, n, page.total),
    stats: { total_objects: totalObjects, total_size_bytes: totalSize, avg_objects_per_bucket: n === 0 ? 0 : totalObjects / n, avg_size_per_bucket: n === 0 ? 0 : totalSize / n },
  };
}

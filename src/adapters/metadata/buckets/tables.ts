// The buckets module's tables (buckets, their objects, and the objects' blob hashes). Migration 0006 creates them.
import type { BigIntColumn, Json, Timestamp } from '../table-columns.ts';

export interface BucketsTable {
  bucket_id: string;
  organization_internal_id: string;
  namespace_id: string;
  bucket_name: string;
  description: string | null;
  bucket_schema: Json;
  unique_key: Json | null;
  metadata: Json;
  status: string;
  is_locked: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ObjectsTable {
  object_id: string;
  organization_internal_id: string;
  namespace_id: string;
  bucket_id: string;
  key_prefix: string | null;
  fields: Json;
  blobs: Json;
  blob_count: number;
  status: string;
  error: string | null;
  unique_key_value: string | null;
  source_details: Json;
  total_size_bytes: BigIntColumn;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ObjectBlobsTable {
  blob_id: string;
  object_id: string;
  bucket_id: string;
  hash: string;
  size_bytes: BigIntColumn;
}

export interface BucketTables {
  buckets: BucketsTable;
  objects: ObjectsTable;
  object_blobs: ObjectBlobsTable;
}

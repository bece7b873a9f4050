// The uploads module's tables. Kysely table types; migration 0007 creates them.
import type { BigIntColumn, Json, NullableTimestamp, Timestamp } from '../table-columns.ts';

export interface UploadsTable {
  upload_id: string;
  organization_internal_id: string;
  namespace_id: string;
  bucket_id: string;
  filename: string;
  content_type: string;
  file_size_bytes: BigIntColumn | null;
  presigned_url_expiration: number;
  storage_key: string;
  status: string;
  metadata: Json;
  create_object_on_confirm: number;
  object_metadata: Json | null;
  blob_property: string | null;
  blob_type: string | null;
  file_hash: string | null;
  skip_duplicates: number;
  is_duplicate: number;
  duplicate_of_upload_id: string | null;
  existing_object_id: string | null;
  etag: string | null;
  object_id: string | null;
  task_id: string | null;
  detected_mime_type: string | null;
  message: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  completed_at: NullableTimestamp;
  verified_at: NullableTimestamp;
  processing_since: NullableTimestamp;
}

export interface UploadTables {
  uploads: UploadsTable;
}

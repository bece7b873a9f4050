import type { UploadView } from '../../engine/uploads/upload-service.ts';
import type { Upload } from '../../engine/uploads/types.ts';
import type { ConfirmUploadResponseBody, UploadResponseBody } from '../schemas/uploads.ts';

export function toUploadResponse({ upload: u, presignedUrl, s3Key }: UploadView): UploadResponseBody {
  return {
    upload_id: u.uploadId,
    bucket_id: u.bucketId,
    filename: u.filename,
    content_type: u.contentType,
    file_size_bytes: u.fileSizeBytes,
    presigned_url: presignedUrl,
    presigned_url_expiration: u.presignedUrlExpiration,
    s3_key: s3Key,
    status: u.status,
    metadata: u.metadata,
    create_object_on_confirm: u.createObjectOnConfirm,
    object_metadata: u.objectMetadata,
    blob_property: u.blobProperty,
    blob_type: u.blobType,
    file_hash: u.fileHash,
    skip_duplicates: u.skipDuplicates,
    is_duplicate: u.isDuplicate,
    duplicate_of_upload_id: u.duplicateOfUploadId,
    skipped_unique_key: false,
    existing_object_id: u.existingObjectId,
    message: u.message,
    created_at: u.createdAt,
    expires_at: u.expiresAt,
    completed_at: u.completedAt,
    verified_at: u.verifiedAt,
    etag: u.etag,
    object_id: u.objectId,
    task_id: u.taskId,
  };
}

export function toConfirmUploadResponse(u: Upload): ConfirmUploadResponseBody {
  return {
    upload_id: u.uploadId,
    status: u.status,
    etag: u.etag,
    file_size_bytes: u.fileSizeBytes,
    file_hash: u.fileHash,
    verified_at: u.verifiedAt,
    completed_at: u.completedAt,
    object_id: u.objectId,
    task_id: u.taskId,
    message: u.message,
  };
}

import type { NewUpload } from '../../engine/uploads/upload-service.ts';
import { DEFAULT_URL_EXPIRATION_SECONDS } from '../../engine/uploads/upload-rules.ts';
import type { CreateUploadBody } from '../schemas/uploads.ts';

/** A CreateUploadRequest with its defaults; shared metadata (batch) underneath the item's own keys. */
export function toNewUpload(body: CreateUploadBody, shared: { metadata?: Record<string, unknown> | null | undefined; objectMetadata?: Record<string, unknown> | null | undefined } = {}): NewUpload {
  const objectMetadata = shared.objectMetadata || body.object_metadata ? { ...(shared.objectMetadata ?? {}), ...(body.object_metadata ?? {}) } : null;
  return {
    filename: body.filename,
    contentType: body.content_type,
    fileSizeBytes: body.file_size_bytes ?? null,
    presignedUrlExpiration: body.presigned_url_expiration ?? DEFAULT_URL_EXPIRATION_SECONDS,
    metadata: { ...(shared.metadata ?? {}), ...(body.metadata ?? {}) },
    createObjectOnConfirm: body.create_object_on_confirm ?? true,
    objectMetadata,
    blobProperty: body.blob_property ?? null,
    blobType: body.blob_type ?? null,
    fileHash: body.file_hash ?? null,
    skipDuplicates: body.skip_duplicates ?? true,
  };
}

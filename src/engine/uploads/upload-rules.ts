// The pure rules of an upload: names, keys, and which blob types a MIME type may fill.
import type { BlobFieldType } from '../buckets/field-types.ts';
import { BadRequestError } from '../errors.ts';

export const MIN_URL_EXPIRATION_SECONDS = 60;
export const MAX_URL_EXPIRATION_SECONDS = 86_400;
export const DEFAULT_URL_EXPIRATION_SECONDS = 3_600;
/** Confirmations of files this large run as a task (SPEC §9). */
export const ASYNC_CONFIRM_BYTES = 100 * 1024 * 1024;
/** Upload credits are charged per started MB (SPEC §20). */
export const BYTES_PER_CREDITED_MB = 1024 * 1024;
/** SPEC §20: 1 credit per MB uploaded; METERED_COSTS.upload_per_started_mb reads this. */
export const UPLOAD_CREDITS_PER_STARTED_MB = 1;

/** 1-255 characters, no path traversal or backslash, no control characters. */
export function assertFilename(filename: string): void {
  if (filename.length < 1 || filename.length > 255) throw new BadRequestError('filename must be 1 to 255 characters', { field: 'filename' });
  // eslint-disable-next-line no-control-regex
  if (filename.includes('../') || filename.includes('..\\') || filename.includes('\\') || /[\u0000-\u001f\u007f]/.test(filename)) {
    throw new BadRequestError("filename may not contain '../', a backslash or control characters", { field: 'filename' });
  }
}

/** The default blob property: the filename's stem (last path segment, extension dropped), alnum/underscore. */
export function defaultBlobProperty(filename: string): string {
  const base = filename.split('/').pop() ?? filename;
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const cleaned = stem.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 100);
  return cleaned.length > 0 ? cleaned : 'file';
}

/** `type/subtype` without parameters, lower case. */
export function baseMime(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

const TEXT_MIMES = new Set(['application/json', 'application/xml', 'application/x-ndjson', 'application/yaml', 'application/x-yaml', 'application/javascript']);
const EXCEL_MIMES = new Set(['application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv', 'application/vnd.oasis.opendocument.spreadsheet']);
const DOCUMENT_MIMES = new Set([
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.presentation',
  'application/rtf',
  'text/rtf',
  ...EXCEL_MIMES,
]);

/** The blob type a content type fills by default (blob_type omitted). */
export function blobTypeForMime(contentType: string): BlobFieldType {
  const mime = baseMime(contentType);
  if (mime === 'application/pdf') return 'pdf';
  if (EXCEL_MIMES.has(mime)) return 'excel';
  if (DOCUMENT_MIMES.has(mime)) return 'document';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('text/') || TEXT_MIMES.has(mime) || mime.endsWith('+json') || mime.endsWith('+xml')) return 'text';
  return 'binary';
}

/** Whether bytes of this MIME type may fill a blob of this type (GIF: image or video). */
export function blobTypeAccepts(type: BlobFieldType, contentType: string): boolean {
  const mime = baseMime(contentType);
  switch (type) {
    case 'binary':
      return true;
    case 'video':
      return mime.startsWith('video/') || mime === 'image/gif';
    case 'document':
      return DOCUMENT_MIMES.has(mime);
    default:
      return blobTypeForMime(mime) === type;
  }
}

/**
 * The blob store key: ids only, never the client's filename. Under the bucket's prefix, so deleting
 * the bucket (or its namespace) removes the bytes of its uploads with everything else.
 */
export function uploadStorageKey(organizationInternalId: string, namespaceId: string, bucketId: string, uploadId: string): string {
  return `${organizationInternalId}/${namespaceId}/${bucketId}/uploads/${uploadId}`;
}

/** UploadResponse.s3_key as Mixpeek shows it (SPEC §9); informational, the bytes live at the storage key. */
export function displayS3Key(organizationInternalId: string, namespaceId: string, uploadId: string, filename: string): string {
  return `${organizationInternalId}/${namespaceId}/api_buckets_uploads_create/${uploadId}/${filename}`;
}

export function creditsForBytes(sizeBytes: number, perStartedMb: number): number {
  return Math.max(1, Math.ceil(sizeBytes / BYTES_PER_CREDITED_MB)) * perStartedMb;
}

// A stored blob as the engine keeps it. The API shows it as Mixpeek's BlobModel:
//   { blob_id: blobId, property, key_prefix: keyPrefix, type,
//     properties: { ...metadata, url: location, source_url?: sourceUrl, upload_id?: uploadId },
//     details: { filename, size_bytes: sizeBytes, mime_type: mimeType, hash } }
// (properties.presigned_url is added on reads that ask for it, from storageKey.)
import type { BlobFieldType } from '../buckets/field-types.ts';
import type { BlobKey } from '../ports/blob-store.ts';

export interface BlobRecord {
  blobId: string;
  property: string;
  type: BlobFieldType;
  keyPrefix: string | null;
  /**
   * Where the bytes are in the blob store: "<int>/<ns>/<bkt>/<obj>/<blob>", or the upload's key for
   * upload_id blobs (not copied). null only for a URL blob with canonicalize_source=false.
   */
  storageKey: BlobKey | null;
  /** blobStore.locationOf(storageKey) (s3://… or the filesystem adapter's form); the source URL when not stored. */
  location: string;
  filename: string | null;
  sizeBytes: number;
  /** Sniffed from the bytes, never the client's claim. */
  mimeType: string;
  /** SHA-256 of the bytes, lowercase hex. */
  hash: string;
  /** The URL the bytes were fetched from (http(s) or s3 data). */
  sourceUrl: string | null;
  uploadId: string | null;
  /** CreateBlobRequest.metadata: applies to the documents made from this blob. */
  metadata: Record<string, unknown>;
  createdAt: Date;
}

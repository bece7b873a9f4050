// What the uploads module needs from its neighbours, as seams the composition fills: buckets (the
// X-Namespace rules live with them), objects (an object whose blob is an upload), and the job queue
// (asynchronous confirmations). Each has an "absent" form that refuses with 503, so the module runs
// (and its reads answer) before the neighbour is wired.
import type { BlobFieldType } from '../buckets/field-types.ts';
import { ServiceUnavailableError } from '../errors.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import type { NamespaceRef, RequestScope } from '../scope/request-scope.ts';

export type UploadOperation = 'read_data' | 'write_data' | 'delete_data';

export interface UploadBucket {
  bucketId: string;
  bucketName: string;
  namespace: NamespaceRef;
  /** The schema's blob fields: property name → blob type. */
  blobProperties: Readonly<Record<string, BlobFieldType>>;
}

export interface UploadBucketResolver {
  /**
   * The bucket a path addresses (id or name) under the objects' X-Namespace rules: with the header,
   * in that namespace; without it, a bucket id finds its own namespace and a name is refused (400).
   * Returns the scope moved into the bucket's namespace, after checking a scoped key's reach.
   */
  resolve(scope: RequestScope, identifier: string, operation: UploadOperation): Promise<{ scope: RequestScope; bucket: UploadBucket }>;
}

export interface UploadObjectInput {
  uploadId: string;
  blobProperty: string;
  blobType: BlobFieldType;
  objectMetadata: Record<string, unknown> | null;
}

export interface UploadObjects {
  /**
   * Creates the object whose one blob is this COMPLETED upload (CreateBlobRequest.upload_id) and
   * returns its id. Must be idempotent on the upload id: a confirmation retried after a crash finds
   * the object it already made.
   */
  createFromUpload(scope: RequestScope, bucket: UploadBucket, input: UploadObjectInput): Promise<string>;
  /** Whether an object of the bucket holds a blob with these bytes (SHA-256), for duplicate detection. */
  hasBlobHash(scope: RequestScope, bucketId: string, sha256: string): Promise<boolean>;
}

export interface ScheduledConfirmation {
  taskId: string;
}

export interface UploadConfirmScheduler {
  /**
   * Enqueues the 'upload.confirm' job for these uploads in the caller's transaction (so marking
   * them PROCESSING and the job commit together). One upload: job id `upload.confirm:<upload_id>`.
   */
  schedule(repos: Repositories, scope: RequestScope, bucketId: string, uploadIds: readonly string[], batch: boolean): Promise<ScheduledConfirmation>;
}

const unavailable = (what: string) => new ServiceUnavailableError(`${what} is not available in this deployment yet`, 5);

export const NO_BUCKETS: UploadBucketResolver = {
  resolve: async () => {
    throw unavailable('Buckets');
  },
};

export const NO_OBJECTS: UploadObjects = {
  createFromUpload: async () => {
    throw unavailable('Object creation');
  },
  hasBlobHash: async () => false,
};


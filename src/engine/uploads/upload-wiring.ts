// The uploads module and the objects module, each the other's seam: buckets and object creation for
// uploads, upload_id resolution for objects.
import { blobFieldsOf } from '../buckets/bucket-schema.ts';
import type { BlobFieldType } from '../buckets/field-types.ts';
import type { Bucket } from '../buckets/types.ts';
import type { ObjectService, UploadResolver } from '../objects/object-service.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { UploadBucket, UploadBucketResolver, UploadObjects } from './upload-seams.ts';
import type { UploadService } from './upload-service.ts';

export function toUploadBucket(bucket: Bucket, namespaceName: string): UploadBucket {
  return {
    bucketId: bucket.bucketId,
    bucketName: bucket.bucketName,
    namespace: { namespaceId: bucket.namespaceId, namespaceName },
    blobProperties: Object.fromEntries(blobFieldsOf(bucket.bucketSchema).map(([name, field]) => [name, field.type as BlobFieldType])),
  };
}

export function objectsAsUploadNeighbours(objects: ObjectService, store: MetadataStore): { buckets: UploadBucketResolver; objects: UploadObjects } {
  return {
    buckets: {
      resolve: async (scope, identifier, operation) => {
        const found = await objects.bucketFor(scope, identifier, operation);
        return { scope: found.scope, bucket: toUploadBucket(found.bucket, found.scope.namespace?.namespaceName ?? found.bucket.namespaceId) };
      },
    },
    objects: {
      createFromUpload: async (scope, bucket, input) => {
        const body = { ...(input.objectMetadata ?? {}), blobs: [{ property: input.blobProperty, type: input.blobType, upload_id: input.uploadId }] };
        const created = await objects.create(scope, bucket.bucketId, body, null);
        return created.objectId;
      },
      hasBlobHash: async (scope, bucketId, sha256) => (await store.objects.existingHashes(scope, bucketId, [sha256])).has(sha256),
    },
  };
}

export function uploadsAsResolver(uploads: () => UploadService): UploadResolver {
  return {
    resolve: async (scope, bucket, uploadId) => {
      const upload = await uploads().resolveForObject(scope, bucket.bucketId, uploadId);
      return upload && { storageKey: upload.storageKey, filename: upload.filename, contentType: upload.mimeType };
    },
  };
}

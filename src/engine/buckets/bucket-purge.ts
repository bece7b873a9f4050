// The cascades behind bucket and namespace deletion, run by the job queue's workers: every blob
// under the bucket's storage prefix (objects' and uploads'), every object and upload row, then the
// bucket row. Idempotent: a retried job
// finds less to delete and finishes the same way.
import type { BlobStore } from '../ports/blob-store.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { RequestScope } from '../scope/request-scope.ts';

export interface PurgeResult {
  objectsDeleted: number;
  blobsDeleted: number;
}

/** Where a bucket's blobs live: BlobIntake keys every blob "<int>/<ns>/<bkt>/<obj>/<blob>". */
export function bucketBlobPrefix(organizationInternalId: string, namespaceId: string, bucketId: string): string {
  return `${organizationInternalId}/${namespaceId}/${bucketId}`;
}

/** Removes a bucket (normally one marked DELETING) and everything in it. `scope` must be in the bucket's namespace. */
export async function purgeBucket(store: MetadataStore, blobStore: BlobStore | null, scope: RequestScope, bucketId: string): Promise<PurgeResult> {
  if (scope.namespace === null) throw new Error('purgeBucket needs a scope inside the bucket\'s namespace');
  const bucket = await store.buckets.findById(scope, bucketId);
  if (!bucket) return { objectsDeleted: 0, blobsDeleted: 0 };
  // Blobs first: a crash between the two leaves rows pointing at nothing, never orphaned bytes.
  const blobsDeleted = blobStore ? await blobStore.deletePrefix(bucketBlobPrefix(scope.organization.internalId, bucket.namespaceId, bucketId)) : 0;
  const objectsDeleted = await store.transaction(async (repos) => {
    const n = await repos.objects.deleteAllInBucket(scope, bucketId);
    // Their bytes lived under the bucket's prefix (uploadStorageKey), deleted above.
    await repos.uploads.removeAllInBucket(scope, bucketId);
    await repos.batches.removeAllInBucket(scope, bucketId);
    await repos.buckets.remove(scope, bucketId);
    return n;
  });
  return { objectsDeleted, blobsDeleted };
}

/** Every bucket of the scope's namespace (the namespace cascade calls it before removing the namespace row). */
export async function purgeNamespaceBuckets(store: MetadataStore, blobStore: BlobStore | null, scope: RequestScope): Promise<PurgeResult> {
  const total = { objectsDeleted: 0, blobsDeleted: 0 };
  for (const bucketId of await store.buckets.idsInNamespace(scope)) {
    const r = await purgeBucket(store, blobStore, scope, bucketId);
    total.objectsDeleted += r.objectsDeleted;
    total.blobsDeleted += r.blobsDeleted;
  }
  return total;
}

// The cascade behind namespace deletion (and ttl expiry), run by a job: every bucket with its
// objects, uploads and blobs, whatever else is stored under the namespace's blob prefix, then the
// namespace row. Nothing outside the namespace is touched: every step is scoped to it. Idempotent:
// a run cut short (kill -9) and re-run finds less to delete and ends the same way.
import { purgeNamespaceBuckets } from '../buckets/bucket-purge.ts';
import type { Organization } from '../accounts/types.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import { systemScope, tenantOf } from '../scope/request-scope.ts';

export interface NamespacePurgeResult {
  namespaceFound: boolean;
  bucketsDeleted: number;
  objectsDeleted: number;
  blobsDeleted: number;
}

export async function purgeNamespace(
  store: MetadataStore,
  blobStore: BlobStore | null,
  organization: Organization,
  namespaceId: string,
  progress: (percent: number, message: string) => Promise<void>,
  actor: string,
): Promise<NamespacePurgeResult> {
  const namespace = await store.namespaces.findById(tenantOf(organization), namespaceId);
  if (!namespace) return { namespaceFound: false, bucketsDeleted: 0, objectsDeleted: 0, blobsDeleted: 0 };
  const scope = systemScope(organization, actor, { namespaceId, namespaceName: namespace.namespaceName });
  const buckets = (await store.buckets.idsInNamespace(scope)).length;
  await progress(10, `deleting ${buckets} bucket(s)`);
  const purged = await purgeNamespaceBuckets(store, blobStore, scope);
  await progress(65, 'deleting retrievers');
  // Retrievers (with their executions, and the namespace's ad-hoc executions) before the
  // collections they read.
  await store.retrievers.deleteAllInNamespace(scope);
  await progress(70, 'deleting collections');
  // Each collection's documents (with their vectors) before the collection itself, so a run cut
  // short between the two still finds the collection, and its documents, next time.
  for (const collection of await store.collections.listInNamespace(scope)) {
    await store.documents.deleteAllInCollection(scope, collection.collectionId);
    await store.collections.delete(scope, collection.collectionId);
  }
  await progress(80, 'deleting remaining blobs');
  // Anything else the namespace stored (nothing today; collections' artifacts later) goes with its prefix.
  const rest = blobStore ? await blobStore.deletePrefix(`${organization.internalId}/${namespaceId}`) : 0;
  await store.namespaces.remove(tenantOf(organization), namespaceId);
  return { namespaceFound: true, bucketsDeleted: buckets, objectsDeleted: purged.objectsDeleted, blobsDeleted: purged.blobsDeleted + rest };
}

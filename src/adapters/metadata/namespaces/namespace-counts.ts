// What a namespace holds, counted from the other modules' tables. Kept beside the namespace
// repository (the only reader) and grown as the modules that own those tables arrive.
import type { Kysely } from 'kysely';
import type { NamespaceCounts } from '../../../engine/namespaces/types.ts';
import type { Database } from '../database-types.ts';

export async function countNamespaceContents(
  db: Kysely<Database>,
  organizationInternalId: string,
  namespaceIds: readonly string[],
  counts: Map<string, NamespaceCounts>,
): Promise<void> {
  const [buckets, objects, collections, documents] = await Promise.all([
    db
      .selectFrom('buckets')
      .select((eb) => ['namespace_id', eb.fn.countAll().as('n')])
      .where('organization_internal_id', '=', organizationInternalId)
      .where('namespace_id', 'in', [...namespaceIds])
      .where('status', '=', 'ACTIVE')
      .groupBy('namespace_id')
      .execute(),
    // Objects of live buckets only: a bucket being deleted has left the namespace already.
    db
      .selectFrom('objects')
      .innerJoin('buckets', 'buckets.bucket_id', 'objects.bucket_id')
      .select((eb) => ['objects.namespace_id', eb.fn.countAll().as('n')])
      .where('objects.organization_internal_id', '=', organizationInternalId)
      .where('objects.namespace_id', 'in', [...namespaceIds])
      .where('buckets.status', '=', 'ACTIVE')
      .groupBy('objects.namespace_id')
      .execute(),
    db
      .selectFrom('collections')
      .select((eb) => ['namespace_id', eb.fn.countAll().as('n')])
      .where('organization_internal_id', '=', organizationInternalId)
      .where('namespace_id', 'in', [...namespaceIds])
      .where('status', '=', 'ACTIVE')
      .groupBy('namespace_id')
      .execute(),
    // Documents of live collections only, as for objects.
    db
      .selectFrom('documents')
      .innerJoin('collections', 'collections.collection_id', 'documents.collection_id')
      .select((eb) => ['documents.namespace_id', eb.fn.countAll().as('n')])
      .where('documents.organization_internal_id', '=', organizationInternalId)
      .where('documents.namespace_id', 'in', [...namespaceIds])
      .where('collections.status', '=', 'ACTIVE')
      .groupBy('documents.namespace_id')
      .execute(),
  ]);
  for (const r of buckets) counts.get(r.namespace_id)!.bucketCount = Number(r.n);
  for (const r of objects) counts.get(r.namespace_id)!.objectCount = Number(r.n);
  for (const r of collections) counts.get(r.namespace_id)!.collectionCount = Number(r.n);
  for (const r of documents) counts.get(r.namespace_id)!.documentCount = Number(r.n);
}

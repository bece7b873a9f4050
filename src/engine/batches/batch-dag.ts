// The collection DAG a batch runs (SPEC §10): tier 0 = live, enabled collections sourced from the
// batch's bucket; tier N = those sourced from tier N-1. A collection reachable along paths of
// different lengths runs in its deepest tier, after every collection it reads from. A run limited
// to some collections keeps their relative order and drops the tiers left empty.
import type { Collection } from '../collections/types.ts';
import type { CollectionRepositories } from '../collections/collection-repositories.ts';
import { BadRequestError } from '../errors.ts';
import type { TenantScope } from '../scope/request-scope.ts';

/** Collections chain at most this deep (a guard; creation makes cycles impossible). */
export const MAX_DAG_DEPTH = 16;

export interface ResolvedTier {
  tierNum: number;
  collections: Collection[];
  sourceType: 'bucket' | 'collection';
}

export async function resolveDag(
  repos: CollectionRepositories,
  tenant: TenantScope,
  bucketId: string,
  only: readonly string[] | null,
): Promise<ResolvedTier[]> {
  const depth = new Map<string, number>();
  const byId = new Map<string, Collection>();
  let frontier = (await repos.collections.listSourcedFromBucket(tenant, bucketId)).filter((c) => c.enabled);
  for (const c of frontier) {
    depth.set(c.collectionId, 0);
    byId.set(c.collectionId, c);
  }
  for (let level = 1; frontier.length > 0 && level <= MAX_DAG_DEPTH; level++) {
    const next = (await repos.collections.listSourcedFromCollections(tenant, frontier.map((c) => c.collectionId))).filter((c) => c.enabled);
    for (const c of next) {
      depth.set(c.collectionId, level);
      byId.set(c.collectionId, c);
    }
    frontier = next;
  }
  if (only !== null) {
    // Names or ids: a collection is addressed either way elsewhere in the API.
    const wanted = new Set<string>();
    for (const ref of only) {
      const hit = [...byId.values()].find((c) => c.collectionId === ref || c.collectionName === ref);
      if (!hit) {
        throw new BadRequestError(`Collection '${ref}' is not processed from this bucket (it is not in the bucket's collection DAG)`, { field: 'collection_ids', collection_id: ref }, 'collection_not_in_dag');
      }
      wanted.add(hit.collectionId);
    }
    for (const id of [...depth.keys()]) if (!wanted.has(id)) depth.delete(id);
  }
  const levels = [...new Set(depth.values())].sort((a, b) => a - b);
  return levels.map((level, tierNum) => ({
    tierNum,
    collections: [...depth.entries()]
      .filter(([, d]) => d === level)
      .map(([id]) => byId.get(id)!)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.collectionId.localeCompare(b.collectionId)),
    sourceType: level === 0 ? 'bucket' : 'collection',
  }));
}

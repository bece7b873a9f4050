import { sql, type Kysely, type Selectable } from 'kysely';
import type { BatchChanges, BatchListQuery, BatchRepository } from '../../../engine/batches/batch-repositories.ts';
import type { Batch, BatchStats, BatchStatus, BatchTier } from '../../../engine/batches/types.ts';
import { ACTIVE_BATCH_STATUSES } from '../../../engine/batches/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import { namespaceOf } from './tenant.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toIsoOrNull, toJson } from '../row-mappers.ts';
import type { BatchesTable } from './tables.ts';

/** Rows per INSERT statement (both drivers bind at most a few thousand parameters per statement). */
const INSERT_ROWS = 500;

export class KyselyBatchRepository implements BatchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private scoped(tenant: TenantScope) {
    return this.db.selectFrom('batches').where('organization_internal_id', '=', tenant.organization.internalId).where('namespace_id', '=', namespaceOf(tenant));
  }

  async insert(b: Batch, objectIds: readonly string[]): Promise<void> {
    await this.db
      .insertInto('batches')
      .values({
        batch_id: b.batchId,
        organization_internal_id: b.organizationInternalId,
        namespace_id: b.namespaceId,
        bucket_id: b.bucketId,
        batch_name: b.batchName,
        status: b.status,
        requested_collection_ids: b.requestedCollectionIds === null ? null : toJson(b.requestedCollectionIds),
        collection_ids: toJson(b.collectionIds),
        dag_tiers: toJson(b.dagTiers),
        tiers: toJson(b.tiers),
        current_tier: b.currentTier,
        object_count: b.objectCount,
        task_id: b.taskId,
        error: b.error,
        metadata: toJson(b.metadata),
        include_processing_history: b.includeProcessingHistory ? 1 : 0,
        chunk_size: b.chunkSize,
        generation: b.generation,
        retry_root_object_ids: b.retryRootObjectIds === null ? null : toJson(b.retryRootObjectIds),
        submitted_at: b.submittedAt,
        completed_at: b.completedAt,
        created_at: b.createdAt,
        updated_at: b.updatedAt,
      })
      .execute();
    await this.insertObjects(b.organizationInternalId, b.namespaceId, b.batchId, objectIds, 0);
  }

  private async insertObjects(organizationInternalId: string, namespaceId: string, batchId: string, objectIds: readonly string[], firstPosition: number): Promise<void> {
    for (let i = 0; i < objectIds.length; i += INSERT_ROWS) {
      const rows = objectIds.slice(i, i + INSERT_ROWS).map((objectId, j) => ({
        batch_id: batchId,
        position: firstPosition + i + j,
        object_id: objectId,
        organization_internal_id: organizationInternalId,
        namespace_id: namespaceId,
      }));
      await this.db.insertInto('batch_objects').values(rows).execute();
    }
  }

  async find(tenant: TenantScope, bucketId: string, batchId: string): Promise<Batch | undefined> {
    const row = await this.scoped(tenant).selectAll().where('bucket_id', '=', bucketId).where('batch_id', '=', batchId).executeTakeFirst();
    return row && toBatch(row);
  }

  async findById(tenant: TenantScope, batchId: string): Promise<Batch | undefined> {
    const row = await this.scoped(tenant).selectAll().where('batch_id', '=', batchId).executeTakeFirst();
    return row && toBatch(row);
  }

  async lock(tenant: TenantScope, batchId: string): Promise<Batch | undefined> {
    const row = await this.db
      .updateTable('batches')
      .set({ batch_id: sql`batch_id` })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId)
      .returningAll()
      .executeTakeFirst();
    return row && toBatch(row);
  }

  async list(tenant: TenantScope, bucketId: string, query: BatchListQuery): Promise<{ batches: Batch[]; total: number }> {
    let q = this.scoped(tenant).where('bucket_id', '=', bucketId);
    if (query.status) q = q.where('status', '=', query.status);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('batch_id', 'asc').limit(query.limit).offset(query.offset).execute(),
      q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    ]);
    return { batches: rows.map(toBatch), total: Number(count?.n ?? 0) };
  }

  async update(tenant: TenantScope, batchId: string, c: BatchChanges, updatedAt: string): Promise<boolean> {
    const set: Record<string, unknown> = { updated_at: updatedAt };
    if (c.status !== undefined) set['status'] = c.status;
    if (c.collectionIds !== undefined) set['collection_ids'] = toJson(c.collectionIds);
    if (c.dagTiers !== undefined) set['dag_tiers'] = toJson(c.dagTiers);
    if (c.tiers !== undefined) set['tiers'] = toJson(c.tiers);
    if (c.currentTier !== undefined) set['current_tier'] = c.currentTier;
    if (c.objectCount !== undefined) set['object_count'] = c.objectCount;
    if (c.taskId !== undefined) set['task_id'] = c.taskId;
    if (c.error !== undefined) set['error'] = c.error;
    if (c.metadata !== undefined) set['metadata'] = toJson(c.metadata);
    if (c.includeProcessingHistory !== undefined) set['include_processing_history'] = c.includeProcessingHistory ? 1 : 0;
    if (c.chunkSize !== undefined) set['chunk_size'] = c.chunkSize;
    if (c.generation !== undefined) set['generation'] = c.generation;
    if (c.retryRootObjectIds !== undefined) set['retry_root_object_ids'] = c.retryRootObjectIds === null ? null : toJson(c.retryRootObjectIds);
    if (c.submittedAt !== undefined) set['submitted_at'] = c.submittedAt;
    if (c.completedAt !== undefined) set['completed_at'] = c.completedAt;
    const result = await this.db
      .updateTable('batches')
      .set(set)
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async remove(tenant: TenantScope, batchId: string): Promise<boolean> {
    const org = tenant.organization.internalId;
    const ns = namespaceOf(tenant);
    for (const table of ['batch_objects', 'batch_chunks', 'batch_failures'] as const) {
      await this.db.deleteFrom(table).where('organization_internal_id', '=', org).where('namespace_id', '=', ns).where('batch_id', '=', batchId).execute();
    }
    const result = await this.db.deleteFrom('batches').where('organization_internal_id', '=', org).where('namespace_id', '=', ns).where('batch_id', '=', batchId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async objectIds(tenant: TenantScope, batchId: string, from?: number, to?: number): Promise<string[]> {
    let q = this.db
      .selectFrom('batch_objects')
      .select('object_id')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId);
    if (from !== undefined) q = q.where('position', '>=', from);
    if (to !== undefined) q = q.where('position', '<', to);
    const rows = await q.orderBy('position', 'asc').execute();
    return rows.map((r) => r.object_id);
  }

  async objectPositions(tenant: TenantScope, batchId: string, objectIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const unique = [...new Set(objectIds)];
    for (let i = 0; i < unique.length; i += INSERT_ROWS) {
      const rows = await this.db
        .selectFrom('batch_objects')
        .select(['object_id', 'position'])
        .where('organization_internal_id', '=', tenant.organization.internalId)
        .where('namespace_id', '=', namespaceOf(tenant))
        .where('batch_id', '=', batchId)
        .where('object_id', 'in', unique.slice(i, i + INSERT_ROWS))
        .execute();
      for (const r of rows) out.set(r.object_id, Number(r.position));
    }
    return out;
  }

  async addObjects(tenant: TenantScope, batchId: string, objectIds: readonly string[]): Promise<string[]> {
    const org = tenant.organization.internalId;
    const ns = namespaceOf(tenant);
    const unique = [...new Set(objectIds)];
    const present = new Set<string>();
    for (let i = 0; i < unique.length; i += INSERT_ROWS) {
      const rows = await this.db
        .selectFrom('batch_objects')
        .select('object_id')
        .where('organization_internal_id', '=', org)
        .where('namespace_id', '=', ns)
        .where('batch_id', '=', batchId)
        .where('object_id', 'in', unique.slice(i, i + INSERT_ROWS))
        .execute();
      for (const r of rows) present.add(r.object_id);
    }
    const added = unique.filter((id) => !present.has(id));
    if (added.length === 0) return [];
    const last = await this.db
      .selectFrom('batch_objects')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('organization_internal_id', '=', org)
      .where('namespace_id', '=', ns)
      .where('batch_id', '=', batchId)
      .executeTakeFirst();
    const next = last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1;
    await this.insertObjects(org, ns, batchId, added, next);
    return added;
  }

  async statsByBucket(tenant: TenantScope, bucketIds: readonly string[]): Promise<Map<string, BatchStats>> {
    const out = new Map<string, BatchStats>();
    if (bucketIds.length === 0) return out;
    // Cross-namespace bucket lists pass a scope without a namespace: bucket ids are unique in the organization.
    let q = this.db.selectFrom('batches').where('organization_internal_id', '=', tenant.organization.internalId).where('bucket_id', 'in', [...bucketIds]);
    if (tenant.namespace) q = q.where('namespace_id', '=', tenant.namespace.namespaceId);
    const rows = await q.select((eb) => ['bucket_id', 'status', eb.fn.countAll().as('n')]).groupBy(['bucket_id', 'status']).execute();
    for (const r of rows) {
      const s = out.get(r.bucket_id) ?? { total: 0, active: 0, completed: 0, failed: 0 };
      const n = Number(r.n);
      s.total += n;
      if ((ACTIVE_BATCH_STATUSES as readonly string[]).includes(r.status)) s.active += n;
      if (r.status === 'COMPLETED' || r.status === 'COMPLETED_WITH_ERRORS') s.completed += n;
      if (r.status === 'FAILED') s.failed += n;
      out.set(r.bucket_id, s);
    }
    return out;
  }

  async removeAllInBucket(tenant: TenantScope, bucketId: string): Promise<number> {
    const ids = await this.scoped(tenant).select('batch_id').where('bucket_id', '=', bucketId).execute();
    for (const { batch_id } of ids) await this.remove(tenant, batch_id);
    return ids.length;
  }
}

function toBatch(row: Selectable<BatchesTable>): Batch {
  return {
    batchId: row.batch_id,
    organizationInternalId: row.organization_internal_id,
    namespaceId: row.namespace_id,
    bucketId: row.bucket_id,
    batchName: row.batch_name,
    status: row.status as BatchStatus,
    requestedCollectionIds: row.requested_collection_ids === null ? null : fromJson<string[]>(row.requested_collection_ids),
    collectionIds: fromJson<string[]>(row.collection_ids),
    dagTiers: fromJson<string[][]>(row.dag_tiers),
    tiers: fromJson<BatchTier[]>(row.tiers),
    currentTier: row.current_tier === null ? null : Number(row.current_tier),
    objectCount: Number(row.object_count),
    taskId: row.task_id,
    error: row.error,
    metadata: fromJson<Record<string, unknown>>(row.metadata),
    includeProcessingHistory: Number(row.include_processing_history) === 1,
    chunkSize: Number(row.chunk_size),
    generation: Number(row.generation),
    retryRootObjectIds: row.retry_root_object_ids === null ? null : fromJson<string[]>(row.retry_root_object_ids),
    submittedAt: toIsoOrNull(row.submitted_at),
    completedAt: toIsoOrNull(row.completed_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

import { sql, type Kysely, type Selectable } from 'kysely';
import type { BatchFailureRepository, ChunkKey, FailureListQuery, RetrySelection } from '../../../engine/batches/batch-repositories.ts';
import type { BatchFailure, ErrorCategory } from '../../../engine/batches/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import { namespaceOf } from './tenant.ts';
import type { Database } from '../database-types.ts';
import { toIso } from '../row-mappers.ts';
import type { BatchFailuresTable } from './tables.ts';

const INSERT_ROWS = 200;

export class KyselyBatchFailureRepository implements BatchFailureRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private scoped(tenant: TenantScope, batchId: string) {
    return this.db
      .selectFrom('batch_failures')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId);
  }

  async record(tenant: TenantScope, failures: readonly BatchFailure[]): Promise<void> {
    const org = tenant.organization.internalId;
    const ns = namespaceOf(tenant);
    for (let i = 0; i < failures.length; i += INSERT_ROWS) {
      const rows = failures.slice(i, i + INSERT_ROWS).map((f) => ({
        batch_id: f.batchId,
        tier_num: f.tierNum,
        collection_id: f.collectionId,
        source_id: f.sourceId,
        organization_internal_id: org,
        namespace_id: ns,
        chunk_index: f.chunkIndex,
        root_object_id: f.rootObjectId,
        error_type: f.errorType,
        message: f.message,
        stage: f.stage,
        retry_count: f.retryCount,
        status: 'failed',
        created_at: f.createdAt,
        updated_at: f.updatedAt,
      }));
      await this.db
        .insertInto('batch_failures')
        .values(rows)
        .onConflict((oc) =>
          // The retry count stays: it counts retries asked for, not failures.
          oc.columns(['batch_id', 'tier_num', 'collection_id', 'source_id']).doUpdateSet({
            chunk_index: sql`excluded.chunk_index`,
            error_type: sql`excluded.error_type`,
            message: sql`excluded.message`,
            stage: sql`excluded.stage`,
            status: sql`excluded.status`,
            updated_at: sql`excluded.updated_at`,
          }),
        )
        .execute();
    }
  }

  async clear(tenant: TenantScope, batchId: string, tierNum: number, collectionId: string, sourceIds: readonly string[]): Promise<void> {
    for (let i = 0; i < sourceIds.length; i += INSERT_ROWS) {
      await this.db
        .deleteFrom('batch_failures')
        .where('organization_internal_id', '=', tenant.organization.internalId)
        .where('namespace_id', '=', namespaceOf(tenant))
        .where('batch_id', '=', batchId)
        .where('tier_num', '=', tierNum)
        .where('collection_id', '=', collectionId)
        .where('source_id', 'in', sourceIds.slice(i, i + INSERT_ROWS))
        .execute();
    }
  }

  async inChunk(tenant: TenantScope, key: ChunkKey, status: 'failed' | 'retrying'): Promise<BatchFailure[]> {
    const rows = await this.scoped(tenant, key.batchId)
      .selectAll()
      .where('tier_num', '=', key.tierNum)
      .where('collection_id', '=', key.collectionId)
      .where('chunk_index', '=', key.chunkIndex)
      .where('status', '=', status)
      .execute();
    return rows.map(toFailure);
  }

  async list(tenant: TenantScope, batchId: string, query: FailureListQuery): Promise<{ failures: BatchFailure[]; total: number }> {
    let q = this.scoped(tenant, batchId);
    if (query.tierNum !== undefined) q = q.where('tier_num', '=', query.tierNum);
    if (query.collectionId !== undefined) q = q.where('collection_id', '=', query.collectionId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('tier_num').orderBy('collection_id').orderBy('chunk_index').orderBy('source_id').limit(query.limit).offset(query.offset).execute(),
      q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    ]);
    return { failures: rows.map(toFailure), total: Number(count?.n ?? 0) };
  }

  async takeForRetry(tenant: TenantScope, batchId: string, selection: RetrySelection, now: string): Promise<BatchFailure[]> {
    let q = this.db
      .updateTable('batch_failures')
      .set({ status: 'retrying', retry_count: sql`retry_count + 1`, updated_at: now })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId)
      .where('status', '=', 'failed')
      .where('retry_count', '<', selection.maxRetryCount);
    if (selection.tierNums && selection.tierNums.length > 0) q = q.where('tier_num', 'in', [...selection.tierNums]);
    if (selection.categories) q = q.where('error_type', 'in', [...selection.categories]);
    const rows = await q.returningAll().execute();
    return rows.map(toFailure);
  }

  async settleRetrying(tenant: TenantScope, batchId: string, now: string): Promise<void> {
    await this.db
      .updateTable('batch_failures')
      .set({ status: 'failed', updated_at: now })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId)
      .where('status', '=', 'retrying')
      .execute();
  }

  async countFailed(tenant: TenantScope, batchId: string): Promise<number> {
    const row = await this.scoped(tenant, batchId).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}

function toFailure(row: Selectable<BatchFailuresTable>): BatchFailure {
  return {
    batchId: row.batch_id,
    tierNum: Number(row.tier_num),
    collectionId: row.collection_id,
    chunkIndex: Number(row.chunk_index),
    sourceId: row.source_id,
    rootObjectId: row.root_object_id,
    errorType: row.error_type as ErrorCategory,
    message: row.message,
    stage: row.stage,
    retryCount: Number(row.retry_count),
    status: row.status as 'failed' | 'retrying',
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

import type { Kysely, Selectable } from 'kysely';
import type { RetrieverExecutionRepository } from '../../../engine/retrievers/retriever-repositories.ts';
import type { ExecutionStatus, RetrieverExecution, StageStatistics } from '../../../engine/retrievers/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import { namespaceOf } from '../buckets/bucket-repository.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toJson } from '../row-mappers.ts';
import type { RetrieverExecutionsTable } from './tables.ts';

export class KyselyRetrieverExecutionRepository implements RetrieverExecutionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** A retriever's executions, or the namespace's ad-hoc ones (retrieverId null). */
  private of(tenant: TenantScope, retrieverId: string | null) {
    const base = this.db
      .selectFrom('retriever_executions')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant));
    return retrieverId === null ? base.where('retriever_id', 'is', null) : base.where('retriever_id', '=', retrieverId);
  }

  async insert(e: RetrieverExecution): Promise<void> {
    await this.db
      .insertInto('retriever_executions')
      .values({
        execution_id: e.executionId,
        organization_internal_id: e.organizationInternalId,
        namespace_id: e.namespaceId,
        retriever_id: e.retrieverId,
        status: e.status,
        inputs: toJson(e.inputs),
        inputs_hash: e.inputsHash,
        stage_statistics: toJson(Object.entries(e.stageStatistics)),
        total_time_ms: e.totalTimeMs,
        credits_used: e.creditsUsed,
        total_processed: e.totalProcessed,
        total_returned: e.totalReturned,
        stages_completed: e.stagesCompleted,
        total_stages: e.totalStages,
        collection_ids: toJson(e.collectionIds),
        query_summary: e.querySummary,
        error: e.error,
        created_at: e.createdAt,
        completed_at: e.completedAt,
      })
      .execute();
  }

  async find(tenant: TenantScope, retrieverId: string | null, executionId: string): Promise<RetrieverExecution | undefined> {
    const row = await this.of(tenant, retrieverId).selectAll().where('execution_id', '=', executionId).executeTakeFirst();
    return row && toExecution(row);
  }

  async list(
    tenant: TenantScope,
    retrieverId: string | null,
    filter: { status?: string; startTime?: string; endTime?: string },
    limit: number,
    offset: number,
  ): Promise<{ executions: RetrieverExecution[]; total: number }> {
    let q = this.of(tenant, retrieverId);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.startTime !== undefined) q = q.where('created_at', '>=', filter.startTime);
    if (filter.endTime !== undefined) q = q.where('created_at', '<=', filter.endTime);
    const rows = await q.selectAll().orderBy('created_at', 'desc').orderBy('execution_id', 'desc').limit(limit + 1).offset(offset).execute();
    const counted = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return { executions: rows.map(toExecution), total: Number(counted.n) };
  }

  async trim(tenant: TenantScope, retrieverId: string | null, keep: number): Promise<number> {
    // The newest `keep` stay; the cut-off is the keep-th newest's position, found through the index.
    const kept = this.of(tenant, retrieverId).select('execution_id').orderBy('created_at', 'desc').orderBy('execution_id', 'desc').limit(keep);
    const result = await this.db
      .deleteFrom('retriever_executions')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where((eb) => (retrieverId === null ? eb('retriever_id', 'is', null) : eb('retriever_id', '=', retrieverId)))
      .where('execution_id', 'not in', kept)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toExecution(row: Selectable<RetrieverExecutionsTable>): RetrieverExecution {
  return {
    executionId: row.execution_id,
    organizationInternalId: row.organization_internal_id,
    namespaceId: row.namespace_id,
    retrieverId: row.retriever_id,
    status: row.status as ExecutionStatus,
    inputs: fromJson<Record<string, unknown>>(row.inputs),
    inputsHash: row.inputs_hash,
    stageStatistics: Object.fromEntries(fromJson<[string, StageStatistics][]>(row.stage_statistics)),
    totalTimeMs: Number(row.total_time_ms),
    creditsUsed: Number(row.credits_used),
    totalProcessed: row.total_processed,
    totalReturned: row.total_returned,
    stagesCompleted: row.stages_completed,
    totalStages: row.total_stages,
    collectionIds: fromJson<string[]>(row.collection_ids),
    querySummary: row.query_summary,
    error: row.error,
    createdAt: toIso(row.created_at),
    completedAt: toIso(row.completed_at),
  };
}

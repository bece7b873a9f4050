import { sql, type Kysely, type Selectable } from 'kysely';
import type { BatchChunkRepository, ChunkKey, ChunkResult } from '../../../engine/batches/batch-repositories.ts';
import type { BatchChunk, BatchErrorDetail, ChunkStatus, CollectionProgress } from '../../../engine/batches/types.ts';
import { OPEN_CHUNK_STATUSES } from '../../../engine/batches/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import { namespaceOf } from './tenant.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIsoOrNull, toJson } from '../row-mappers.ts';
import type { BatchChunksTable } from './tables.ts';

const INSERT_ROWS = 200;
/** Error details a collection's progress carries at most (each already aggregates many items). */
const MAX_PROGRESS_ERRORS = 50;

export class KyselyBatchChunkRepository implements BatchChunkRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private keyed(tenant: TenantScope, key: ChunkKey) {
    return this.db
      .updateTable('batch_chunks')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', key.batchId)
      .where('tier_num', '=', key.tierNum)
      .where('collection_id', '=', key.collectionId)
      .where('chunk_index', '=', key.chunkIndex);
  }

  async upsertMany(tenant: TenantScope, chunks: readonly BatchChunk[]): Promise<void> {
    const org = tenant.organization.internalId;
    const ns = namespaceOf(tenant);
    for (let i = 0; i < chunks.length; i += INSERT_ROWS) {
      const rows = chunks.slice(i, i + INSERT_ROWS).map((c) => ({
        batch_id: c.batchId,
        tier_num: c.tierNum,
        collection_id: c.collectionId,
        chunk_index: c.chunkIndex,
        organization_internal_id: org,
        namespace_id: ns,
        start_position: c.startPosition,
        end_position: c.endPosition,
        status: c.status,
        generation: c.generation,
        root_object_ids: c.rootObjectIds === null ? null : toJson(c.rootObjectIds),
        source_documents_fetched: c.counters.sourceDocumentsFetched,
        documents_after_source_filter: c.counters.documentsAfterSourceFilter,
        documents_missing_input_fields: c.counters.documentsMissingInputFields,
        documents_submitted_to_engine: c.counters.documentsSubmittedToEngine,
        documents_written: c.counters.documentsWritten,
        failed_count: c.counters.failedCount,
        credits_millis: c.creditsMillis,
        errors: toJson(c.errors),
        started_at: c.startedAt,
        completed_at: c.completedAt,
      }));
      await this.db
        .insertInto('batch_chunks')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['batch_id', 'tier_num', 'collection_id', 'chunk_index']).doUpdateSet({
            start_position: sql`excluded.start_position`,
            end_position: sql`excluded.end_position`,
            status: sql`excluded.status`,
            generation: sql`excluded.generation`,
            root_object_ids: sql`excluded.root_object_ids`,
            source_documents_fetched: sql`excluded.source_documents_fetched`,
            documents_after_source_filter: sql`excluded.documents_after_source_filter`,
            documents_missing_input_fields: sql`excluded.documents_missing_input_fields`,
            documents_submitted_to_engine: sql`excluded.documents_submitted_to_engine`,
            documents_written: sql`excluded.documents_written`,
            failed_count: sql`excluded.failed_count`,
            credits_millis: sql`excluded.credits_millis`,
            errors: sql`excluded.errors`,
            started_at: sql`excluded.started_at`,
            completed_at: sql`excluded.completed_at`,
          }),
        )
        .execute();
    }
  }

  async find(tenant: TenantScope, key: ChunkKey): Promise<BatchChunk | undefined> {
    const row = await this.db
      .selectFrom('batch_chunks')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', key.batchId)
      .where('tier_num', '=', key.tierNum)
      .where('collection_id', '=', key.collectionId)
      .where('chunk_index', '=', key.chunkIndex)
      .executeTakeFirst();
    return row && toChunk(row);
  }

  async start(tenant: TenantScope, key: ChunkKey, generation: number, now: string): Promise<boolean> {
    const r = await this.keyed(tenant, key)
      .set({ status: 'running', started_at: sql`coalesce(started_at, ${now})` })
      .where('generation', '=', generation)
      .where('status', 'in', [...OPEN_CHUNK_STATUSES])
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async finish(tenant: TenantScope, key: ChunkKey, generation: number, result: ChunkResult): Promise<boolean> {
    const c = result.counters;
    const r = await this.keyed(tenant, key)
      .set({
        status: result.status,
        source_documents_fetched: c.sourceDocumentsFetched,
        documents_after_source_filter: c.documentsAfterSourceFilter,
        documents_missing_input_fields: c.documentsMissingInputFields,
        documents_submitted_to_engine: c.documentsSubmittedToEngine,
        documents_written: c.documentsWritten,
        failed_count: c.failedCount,
        credits_millis: result.creditsMillis,
        errors: toJson(result.errors),
        completed_at: result.completedAt,
      })
      .where('generation', '=', generation)
      .where('status', 'in', [...OPEN_CHUNK_STATUSES])
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async countOpen(tenant: TenantScope, batchId: string, tierNum: number): Promise<number> {
    const row = await this.db
      .selectFrom('batch_chunks')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId)
      .where('tier_num', '=', tierNum)
      .where('status', 'in', [...OPEN_CHUNK_STATUSES])
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async listInTier(tenant: TenantScope, batchId: string, tierNum: number): Promise<BatchChunk[]> {
    const rows = await this.db
      .selectFrom('batch_chunks')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId)
      .where('tier_num', '=', tierNum)
      .orderBy('collection_id')
      .orderBy('chunk_index')
      .execute();
    return rows.map(toChunk);
  }

  async cancelOpen(tenant: TenantScope, batchId: string, now: string): Promise<BatchChunk[]> {
    const rows = await this.db
      .updateTable('batch_chunks')
      .set({ status: 'canceled', completed_at: now })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId)
      .where('status', 'in', [...OPEN_CHUNK_STATUSES])
      .returningAll()
      .execute();
    return rows.map(toChunk);
  }

  async progress(tenant: TenantScope, batchId: string): Promise<CollectionProgress[]> {
    const base = this.db
      .selectFrom('batch_chunks')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('batch_id', '=', batchId);
    const [sums, withErrors] = await Promise.all([
      base
        .select((eb) => [
          'tier_num',
          'collection_id',
          eb.fn.countAll().as('chunks'),
          eb.fn.sum<number | string>(sql`case when status in ('queued', 'running') then 1 else 0 end`).as('open_chunks'),
          eb.fn.sum<number | string>(sql`case when status = 'failed' then 1 else 0 end`).as('failed_chunks'),
          eb.fn.sum<number | string>(sql`case when status = 'canceled' then 1 else 0 end`).as('canceled_chunks'),
          eb.fn.sum<number | string>('source_documents_fetched').as('fetched'),
          eb.fn.sum<number | string>('documents_after_source_filter').as('after_filter'),
          eb.fn.sum<number | string>('documents_missing_input_fields').as('missing'),
          eb.fn.sum<number | string>('documents_submitted_to_engine').as('submitted'),
          eb.fn.sum<number | string>('documents_written').as('written'),
          eb.fn.sum<number | string>('failed_count').as('failed'),
          eb.fn.sum<number | string>('credits_millis').as('credits'),
          eb.fn.min('started_at').as('started_at'),
          eb.fn.max('completed_at').as('completed_at'),
        ])
        .groupBy(['tier_num', 'collection_id'])
        .orderBy('tier_num')
        .orderBy('collection_id')
        .execute(),
      base.select(['tier_num', 'collection_id', 'errors']).where('failed_count', '>', 0).orderBy('chunk_index').limit(1000).execute(),
    ]);
    const errors = new Map<string, BatchErrorDetail[]>();
    for (const r of withErrors) {
      const k = `${r.tier_num}|${r.collection_id}`;
      const list = errors.get(k) ?? [];
      for (const e of fromJson<BatchErrorDetail[]>(r.errors)) if (list.length < MAX_PROGRESS_ERRORS) list.push(e);
      errors.set(k, list);
    }
    return sums.map((r) => ({
      tierNum: Number(r.tier_num),
      collectionId: r.collection_id,
      chunks: Number(r.chunks),
      openChunks: Number(r.open_chunks ?? 0),
      failedChunks: Number(r.failed_chunks ?? 0),
      canceledChunks: Number(r.canceled_chunks ?? 0),
      counters: {
        sourceDocumentsFetched: Number(r.fetched ?? 0),
        documentsAfterSourceFilter: Number(r.after_filter ?? 0),
        documentsMissingInputFields: Number(r.missing ?? 0),
        documentsSubmittedToEngine: Number(r.submitted ?? 0),
        documentsWritten: Number(r.written ?? 0),
        failedCount: Number(r.failed ?? 0),
      },
      creditsMillis: Number(r.credits ?? 0),
      errors: errors.get(`${r.tier_num}|${r.collection_id}`) ?? [],
      startedAt: toIsoOrNull(r.started_at as string | Date | null),
      completedAt: toIsoOrNull(r.completed_at as string | Date | null),
    }));
  }
}

function toChunk(row: Selectable<BatchChunksTable>): BatchChunk {
  return {
    batchId: row.batch_id,
    tierNum: Number(row.tier_num),
    collectionId: row.collection_id,
    chunkIndex: Number(row.chunk_index),
    startPosition: Number(row.start_position),
    endPosition: Number(row.end_position),
    status: row.status as ChunkStatus,
    generation: Number(row.generation),
    rootObjectIds: row.root_object_ids === null ? null : fromJson<string[]>(row.root_object_ids),
    counters: {
      sourceDocumentsFetched: Number(row.source_documents_fetched),
      documentsAfterSourceFilter: Number(row.documents_after_source_filter),
      documentsMissingInputFields: Number(row.documents_missing_input_fields),
      documentsSubmittedToEngine: Number(row.documents_submitted_to_engine),
      documentsWritten: Number(row.documents_written),
      failedCount: Number(row.failed_count),
    },
    creditsMillis: Number(row.credits_millis),
    errors: fromJson<BatchErrorDetail[]>(row.errors),
    startedAt: toIsoOrNull(row.started_at),
    completedAt: toIsoOrNull(row.completed_at),
  };
}

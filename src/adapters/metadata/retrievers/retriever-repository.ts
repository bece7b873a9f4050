import { sql, type Kysely, type Selectable } from 'kysely';
import type { RetrieverRepository } from '../../../engine/retrievers/retriever-repositories.ts';
import type { BudgetLimits, FeatureAddress, Retriever, RetrieverChanges, RetrieverInputField, StageConfig } from '../../../engine/retrievers/types.ts';
import type { ListQuery } from '../../../engine/query/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import { namespaceOf } from '../buckets/bucket-repository.ts';
import type { Database } from '../database-types.ts';
import { runListQuery } from '../query/index.ts';
import { fromJson, toIso, toJson } from '../row-mappers.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';
import { retrieverCompiler } from './retriever-list.ts';
import type { RetrieversTable } from './tables.ts';

export class KyselyRetrieverRepository implements RetrieverRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private inNamespace(tenant: TenantScope) {
    return this.db.selectFrom('retrievers').where('organization_internal_id', '=', tenant.organization.internalId).where('namespace_id', '=', namespaceOf(tenant));
  }

  async insert(r: Retriever): Promise<void> {
    await translatingUniqueViolation(() =>
      this.db
        .insertInto('retrievers')
        .values({
          retriever_id: r.retrieverId,
          organization_internal_id: r.organizationInternalId,
          namespace_id: r.namespaceId,
          retriever_name: r.retrieverName,
          description: r.description,
          collection_ids: toJson(r.collectionIds),
          stages: toJson(r.stages),
          input_schema: toJson(Object.entries(r.inputSchema)),
          budget_limits: toJson(r.budgetLimits),
          feature_dependencies: toJson(r.featureDependencies),
          tags: toJson(r.tags),
          display_config: r.displayConfig === null ? null : toJson(r.displayConfig),
          attributes: toJson(attributesOf(r)),
          version: r.version,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          created_by: r.createdBy,
          updated_by: r.updatedBy,
        })
        .execute(),
    );
    if (r.collectionIds.length > 0) {
      await this.db
        .insertInto('retriever_collections')
        .values([...new Set(r.collectionIds)].map((collectionId) => ({ retriever_id: r.retrieverId, organization_internal_id: r.organizationInternalId, namespace_id: r.namespaceId, collection_id: collectionId })))
        .execute();
    }
  }

  async find(tenant: TenantScope, identifier: string): Promise<Retriever | undefined> {
    const row = await this.inNamespace(tenant)
      .selectAll()
      .where((eb) => eb.or([eb('retriever_id', '=', identifier), eb('retriever_name', '=', identifier)]))
      .orderBy(sql`case when retriever_id = ${identifier} then 0 else 1 end`)
      .executeTakeFirst();
    return row && toRetriever(row);
  }

  async list(tenant: TenantScope, query: ListQuery): Promise<{ retrievers: Retriever[]; total: number }> {
    const { rows, total } = await runListQuery(this.inNamespace(tenant).selectAll(), retrieverCompiler(this.db), { ...query, includeTotal: true });
    return { retrievers: rows.map(toRetriever), total: total ?? 0 };
  }

  async countInOrganization(tenant: TenantScope): Promise<number> {
    const row = await this.db
      .selectFrom('retrievers')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(tenant: TenantScope, retrieverId: string, changes: RetrieverChanges, updatedAt: string, updatedBy: string | null): Promise<boolean> {
    const current = await this.inNamespace(tenant).selectAll().where('retriever_id', '=', retrieverId).executeTakeFirst();
    if (!current) return false;
    const next = toRetriever(current);
    if (changes.tags !== undefined) next.tags = changes.tags;
    if (changes.retrieverName !== undefined) next.retrieverName = changes.retrieverName;
    const result = await translatingUniqueViolation(() =>
      this.db
        .updateTable('retrievers')
        .set((eb) => ({
          ...(changes.retrieverName !== undefined ? { retriever_name: changes.retrieverName } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.tags !== undefined ? { tags: toJson(changes.tags) } : {}),
          ...(changes.displayConfig !== undefined ? { display_config: changes.displayConfig === null ? null : toJson(changes.displayConfig) } : {}),
          attributes: toJson(attributesOf(next)),
          version: eb('version', '+', 1),
          updated_at: updatedAt,
          updated_by: updatedBy,
        }))
        .where('organization_internal_id', '=', tenant.organization.internalId)
        .where('namespace_id', '=', namespaceOf(tenant))
        .where('retriever_id', '=', retrieverId)
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async delete(tenant: TenantScope, retrieverId: string): Promise<boolean> {
    const org = tenant.organization.internalId;
    const ns = namespaceOf(tenant);
    await this.db.deleteFrom('retriever_executions').where('organization_internal_id', '=', org).where('namespace_id', '=', ns).where('retriever_id', '=', retrieverId).execute();
    await this.db.deleteFrom('retriever_collections').where('organization_internal_id', '=', org).where('namespace_id', '=', ns).where('retriever_id', '=', retrieverId).execute();
    const result = await this.db.deleteFrom('retrievers').where('organization_internal_id', '=', org).where('namespace_id', '=', ns).where('retriever_id', '=', retrieverId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async deleteAllInNamespace(tenant: TenantScope): Promise<number> {
    const org = tenant.organization.internalId;
    const ns = namespaceOf(tenant);
    await this.db.deleteFrom('retriever_executions').where('organization_internal_id', '=', org).where('namespace_id', '=', ns).execute();
    await this.db.deleteFrom('retriever_collections').where('organization_internal_id', '=', org).where('namespace_id', '=', ns).execute();
    const result = await this.db.deleteFrom('retrievers').where('organization_internal_id', '=', org).where('namespace_id', '=', ns).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listUsingCollection(tenant: TenantScope, collectionId: string): Promise<Retriever[]> {
    const ids = this.db
      .selectFrom('retriever_collections')
      .select('retriever_id')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('collection_id', '=', collectionId);
    const rows = await this.inNamespace(tenant).selectAll().where('retriever_id', 'in', ids).orderBy('created_at', 'asc').orderBy('retriever_id', 'asc').execute();
    return rows.map(toRetriever);
  }
}

/** The fields list filters read from JSON (see retriever-list.ts). */
function attributesOf(r: Pick<Retriever, 'tags' | 'collectionIds' | 'stages' | 'budgetLimits'>): Record<string, unknown> {
  return {
    tags: r.tags,
    tag_text: r.tags.join(' '),
    collection_ids: r.collectionIds,
    stage_ids: r.stages.map((s) => s.config.stage_id),
    stage_count: r.stages.length,
    budget_limits: r.budgetLimits,
  };
}

function toRetriever(row: Selectable<RetrieversTable>): Retriever {
  return {
    retrieverId: row.retriever_id,
    organizationInternalId: row.organization_internal_id,
    namespaceId: row.namespace_id,
    retrieverName: row.retriever_name,
    description: row.description,
    collectionIds: fromJson<string[]>(row.collection_ids),
    stages: fromJson<StageConfig[]>(row.stages),
    inputSchema: Object.fromEntries(fromJson<[string, RetrieverInputField][]>(row.input_schema)),
    budgetLimits: fromJson<BudgetLimits>(row.budget_limits),
    featureDependencies: fromJson<FeatureAddress[]>(row.feature_dependencies),
    tags: fromJson<string[]>(row.tags),
    displayConfig: row.display_config === null ? null : fromJson<Record<string, unknown>>(row.display_config),
    version: row.version,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  };
}

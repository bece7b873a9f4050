import { sql, type Kysely, type Selectable } from 'kysely';
import type { NamespaceListFilter, NamespaceRepository } from '../../../engine/namespaces/namespace-repositories.ts';
import { NO_COUNTS, type Namespace, type NamespaceChanges, type NamespaceCounts } from '../../../engine/namespaces/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toIsoOrNull, toJson } from '../row-mappers.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';
import { containsText, startsWith } from '../like.ts';
import type { NamespacesTable } from './tables.ts';
import { countNamespaceContents } from './namespace-counts.ts';

export class KyselyNamespaceRepository implements NamespaceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(ns: Namespace): Promise<void> {
    await translatingUniqueViolation(() =>
      this.db
        .insertInto('namespaces')
        .values({
          namespace_id: ns.namespaceId,
          organization_internal_id: ns.organizationInternalId,
          namespace_name: ns.namespaceName,
          description: ns.description,
          feature_extractors: toJson(ns.featureExtractors),
          payload_indexes: toJson(ns.payloadIndexes),
          auto_create_indexes: ns.autoCreateIndexes ? 1 : 0,
          infrastructure: ns.infrastructure === null ? null : toJson(ns.infrastructure),
          status: ns.status,
          expires_at: ns.expiresAt,
          created_at: ns.createdAt,
          updated_at: ns.updatedAt,
        })
        .execute(),
    );
  }

  async find(tenant: TenantScope, identifier: string): Promise<Namespace | undefined> {
    const row = await this.db
      .selectFrom('namespaces')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('status', '=', 'ACTIVE')
      .where((eb) => eb.or([eb('namespace_id', '=', identifier), eb('namespace_name', '=', identifier)]))
      // An id wins over a name that happens to look like another namespace's id.
      .orderBy(sql`case when namespace_id = ${identifier} then 0 else 1 end`)
      .executeTakeFirst();
    return row && toNamespace(row);
  }

  async findById(tenant: TenantScope, namespaceId: string): Promise<Namespace | undefined> {
    const row = await this.db
      .selectFrom('namespaces')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceId)
      .executeTakeFirst();
    return row && toNamespace(row);
  }

  async list(tenant: TenantScope, filter: NamespaceListFilter): Promise<{ namespaces: Namespace[]; total: number }> {
    let query = this.db
      .selectFrom('namespaces')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('status', '=', 'ACTIVE');
    if (filter.namespaceIds || filter.idPrefixes) {
      const ids = filter.namespaceIds ?? [];
      const prefixes = filter.idPrefixes ?? [];
      query = query.where((eb) =>
        eb.or([
          ...(ids.length > 0 ? [eb('namespace_id', 'in', [...ids])] : []),
          ...prefixes.map((p) => eb(startsWith('namespace_id', p), '=', sql<boolean>`true`)),
          eb.lit(false),
        ]),
      );
    }
    const compare = (column: 'namespace_id' | 'namespace_name', value: string) =>
      filter.caseSensitive ? sql<boolean>`${sql.ref(column)} = ${value}` : sql<boolean>`lower(${sql.ref(column)}) = ${value.toLowerCase()}`;
    if (filter.namespaceId !== undefined) query = query.where(compare('namespace_id', filter.namespaceId));
    if (filter.namespaceName !== undefined) query = query.where(compare('namespace_name', filter.namespaceName));
    if (filter.search) {
      const needle = filter.caseSensitive ? filter.search : filter.search.toLowerCase();
      const col = (c: 'namespace_id' | 'namespace_name' | 'description') =>
        filter.caseSensitive ? sql`coalesce(${sql.ref(c)}, '')` : sql`lower(coalesce(${sql.ref(c)}, ''))`;
      query = query.where((eb) =>
        eb.or((['namespace_id', 'namespace_name', 'description'] as const).map((c) => eb(containsText(col(c), needle), '=', sql<boolean>`true`))),
      );
    }
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy(filter.sortField, filter.sortDirection).orderBy('namespace_id', 'asc').limit(filter.limit).offset(filter.offset).execute(),
      query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { namespaces: rows.map(toNamespace), total: Number(count.n) };
  }

  async countLive(tenant: TenantScope): Promise<number> {
    const row = await this.db
      .selectFrom('namespaces')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('status', '=', 'ACTIVE')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(tenant: TenantScope, namespaceId: string, changes: NamespaceChanges, updatedAt: string): Promise<boolean> {
    const result = await translatingUniqueViolation(() =>
      this.db
        .updateTable('namespaces')
        .set({
          ...(changes.namespaceName !== undefined ? { namespace_name: changes.namespaceName } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.payloadIndexes !== undefined ? { payload_indexes: toJson(changes.payloadIndexes) } : {}),
          ...(changes.autoCreateIndexes !== undefined ? { auto_create_indexes: changes.autoCreateIndexes ? 1 : 0 } : {}),
          ...(changes.infrastructure !== undefined ? { infrastructure: changes.infrastructure === null ? null : toJson(changes.infrastructure) } : {}),
          updated_at: updatedAt,
        })
        .where('organization_internal_id', '=', tenant.organization.internalId)
        .where('namespace_id', '=', namespaceId)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async markDeleting(tenant: TenantScope, namespaceId: string, updatedAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('namespaces')
      .set({ status: 'DELETING', updated_at: updatedAt })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceId)
      .where('status', '=', 'ACTIVE')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async remove(tenant: TenantScope, namespaceId: string): Promise<void> {
    await this.db
      .deleteFrom('namespaces')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceId)
      .execute();
  }

  async counts(tenant: TenantScope, namespaceIds: readonly string[]): Promise<Map<string, NamespaceCounts>> {
    const counts = new Map<string, NamespaceCounts>(namespaceIds.map((id) => [id, { ...NO_COUNTS }]));
    if (namespaceIds.length === 0) return counts;
    await countNamespaceContents(this.db, tenant.organization.internalId, namespaceIds, counts);
    return counts;
  }

  async expired(now: string, limit: number): Promise<{ organizationInternalId: string; namespaceId: string }[]> {
    const rows = await this.db
      .selectFrom('namespaces')
      .select(['organization_internal_id', 'namespace_id'])
      .where('status', '=', 'ACTIVE')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ organizationInternalId: r.organization_internal_id, namespaceId: r.namespace_id }));
  }
}

function toNamespace(row: Selectable<NamespacesTable>): Namespace {
  return {
    namespaceId: row.namespace_id,
    organizationInternalId: row.organization_internal_id,
    namespaceName: row.namespace_name,
    description: row.description,
    featureExtractors: fromJson(row.feature_extractors),
    payloadIndexes: fromJson(row.payload_indexes),
    autoCreateIndexes: row.auto_create_indexes === 1,
    infrastructure: row.infrastructure == null ? null : fromJson(row.infrastructure),
    status: row.status as Namespace['status'],
    expiresAt: toIsoOrNull(row.expires_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

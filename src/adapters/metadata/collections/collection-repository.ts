import { sql, type Kysely, type Selectable } from 'kysely';
import type { CollectionRepository } from '../../../engine/collections/collection-repositories.ts';
import type { Collection, CollectionChanges, CollectionExtractor, CollectionSource } from '../../../engine/collections/types.ts';
import type { OutputFields, VectorIndexDefinition } from '../../../engine/extractors/extractor-definition.ts';
import type { ListQuery } from '../../../engine/query/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import { namespaceOf } from '../buckets/bucket-repository.ts';
import type { Database } from '../database-types.ts';
import { runListQuery } from '../query/index.ts';
import { fromJson, toIso, toJson } from '../row-mappers.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';
import { collectionCompiler } from './collection-list.ts';
import type { CollectionsTable } from './tables.ts';

export class KyselyCollectionRepository implements CollectionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private inNamespace(tenant: TenantScope) {
    return this.db
      .selectFrom('collections')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('status', '=', 'ACTIVE');
  }

  async insert(c: Collection): Promise<void> {
    await translatingUniqueViolation(() =>
      this.db
        .insertInto('collections')
        .values({
          collection_id: c.collectionId,
          organization_internal_id: c.organizationInternalId,
          namespace_id: c.namespaceId,
          collection_name: c.collectionName,
          description: c.description,
          source: toJson(c.source),
          input_schema: toJson(fieldsToJson(c.inputSchema)),
          output_schema: toJson(fieldsToJson(c.outputSchema)),
          feature_extractor: toJson(c.featureExtractor),
          vector_indexes: toJson(c.vectorIndexes),
          tier: c.tier,
          enabled: c.enabled ? 1 : 0,
          metadata: toJson(c.metadata),
          attributes: toJson(attributesOf(c)),
          schema_version: c.schemaVersion,
          status: c.status,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
        })
        .execute(),
    );
    const edges = [
      ...c.source.bucketIds.map((id) => ({ source_type: 'bucket', source_id: id })),
      ...c.source.collectionIds.map((id) => ({ source_type: 'collection', source_id: id })),
    ];
    if (edges.length > 0) {
      await this.db
        .insertInto('collection_sources')
        .values(edges.map((e) => ({ ...e, collection_id: c.collectionId, organization_internal_id: c.organizationInternalId, namespace_id: c.namespaceId })))
        .execute();
    }
  }

  async find(tenant: TenantScope, identifier: string): Promise<Collection | undefined> {
    const row = await this.inNamespace(tenant)
      .selectAll()
      .where((eb) => eb.or([eb('collection_id', '=', identifier), eb('collection_name', '=', identifier)]))
      .orderBy(sql`case when collection_id = ${identifier} then 0 else 1 end`)
      .executeTakeFirst();
    return row && toCollection(row);
  }

  private async sourcedFrom(tenant: TenantScope, sourceType: 'bucket' | 'collection', sourceIds: readonly string[]): Promise<Collection[]> {
    if (sourceIds.length === 0) return [];
    const ids = this.db
      .selectFrom('collection_sources')
      .select('collection_id')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('source_type', '=', sourceType)
      .where('source_id', 'in', [...sourceIds]);
    const rows = await this.inNamespace(tenant).selectAll().where('collection_id', 'in', ids).orderBy('created_at', 'asc').orderBy('collection_id', 'asc').execute();
    return rows.map(toCollection);
  }

  listSourcedFromBucket(tenant: TenantScope, bucketId: string): Promise<Collection[]> {
    return this.sourcedFrom(tenant, 'bucket', [bucketId]);
  }

  listSourcedFromCollections(tenant: TenantScope, collectionIds: readonly string[]): Promise<Collection[]> {
    return this.sourcedFrom(tenant, 'collection', collectionIds);
  }

  async list(tenant: TenantScope, query: ListQuery): Promise<{ collections: Collection[]; total: number }> {
    const { rows, total } = await runListQuery(this.inNamespace(tenant).selectAll(), collectionCompiler(this.db), { ...query, includeTotal: true });
    return { collections: rows.map(toCollection), total: total ?? 0 };
  }

  async countInOrganization(tenant: TenantScope): Promise<number> {
    const row = await this.db
      .selectFrom('collections')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('status', '=', 'ACTIVE')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async listInNamespace(tenant: TenantScope): Promise<Collection[]> {
    const rows = await this.inNamespace(tenant).selectAll().orderBy('created_at', 'asc').orderBy('collection_id', 'asc').execute();
    return rows.map(toCollection);
  }

  async update(tenant: TenantScope, collectionId: string, changes: CollectionChanges, updatedAt: string): Promise<boolean> {
    const current = await this.inNamespace(tenant).selectAll().where('collection_id', '=', collectionId).executeTakeFirst();
    if (!current) return false;
    const next = { ...toCollection(current) };
    if (changes.enabled !== undefined) next.enabled = changes.enabled;
    if (changes.metadata !== undefined) next.metadata = changes.metadata;
    const result = await translatingUniqueViolation(() =>
      this.db
        .updateTable('collections')
        .set({
          ...(changes.collectionName !== undefined ? { collection_name: changes.collectionName } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.enabled !== undefined ? { enabled: changes.enabled ? 1 : 0 } : {}),
          ...(changes.metadata !== undefined ? { metadata: toJson(changes.metadata) } : {}),
          attributes: toJson(attributesOf(next)),
          updated_at: updatedAt,
        })
        .where('organization_internal_id', '=', tenant.organization.internalId)
        .where('namespace_id', '=', namespaceOf(tenant))
        .where('collection_id', '=', collectionId)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async delete(tenant: TenantScope, collectionId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('collections')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('collection_id', '=', collectionId)
      .executeTakeFirst();
    await this.db
      .deleteFrom('collection_sources')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('collection_id', '=', collectionId)
      .execute();
    return result.numDeletedRows > 0n;
  }
}

/** Schemas as [name, field] pairs: PostgreSQL's jsonb does not keep key order, and a schema's order is what clients see. */
function fieldsToJson(fields: OutputFields): [string, OutputFields[string]][] {
  return Object.entries(fields);
}

function fieldsFromJson(value: unknown): OutputFields {
  return Object.fromEntries(fromJson<[string, OutputFields[string]][]>(value));
}

/** The fields list filters read from JSON (see collection-list.ts). */
function attributesOf(c: Pick<Collection, 'enabled' | 'metadata' | 'source' | 'featureExtractor'>): Record<string, unknown> {
  return {
    enabled: c.enabled,
    metadata: c.metadata,
    source: { type: c.source.type, bucket_ids: c.source.bucketIds, collection_ids: c.source.collectionIds },
    feature_extractor: { feature_extractor_name: c.featureExtractor.feature_extractor_name, version: c.featureExtractor.version },
  };
}

function toCollection(row: Selectable<CollectionsTable>): Collection {
  return {
    collectionId: row.collection_id,
    organizationInternalId: row.organization_internal_id,
    namespaceId: row.namespace_id,
    collectionName: row.collection_name,
    description: row.description,
    source: fromJson<CollectionSource>(row.source),
    inputSchema: fieldsFromJson(row.input_schema),
    outputSchema: fieldsFromJson(row.output_schema),
    featureExtractor: fromJson<CollectionExtractor>(row.feature_extractor),
    vectorIndexes: fromJson<VectorIndexDefinition[]>(row.vector_indexes),
    tier: row.tier,
    enabled: row.enabled === 1,
    metadata: fromJson<Record<string, unknown>>(row.metadata),
    schemaVersion: row.schema_version,
    status: row.status as Collection['status'],
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

import { KyselyBatchRepository } from '../batches/batch-repository.ts';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BucketListFilter, BucketRepository } from '../../../engine/buckets/bucket-repositories.ts';
import type { BucketSchema } from '../../../engine/buckets/field-types.ts';
import { EMPTY_CONTENTS, type Bucket, type BucketChanges, type BucketContents } from '../../../engine/buckets/types.ts';
import type { UniqueKeyConfig } from '../../../engine/buckets/unique-key.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toJson } from '../row-mappers.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';
import { containsText, startsWith } from '../like.ts';
import type { BucketsTable } from './tables.ts';

/** The namespace every namespaced query filters by; a repository call without one is a programming error. */
export function namespaceOf(tenant: TenantScope): string {
  if (tenant.namespace === null) throw new Error('a namespaced repository call needs a scope with a namespace');
  return tenant.namespace.namespaceId;
}

export class KyselyBucketRepository implements BucketRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(b: Bucket): Promise<void> {
    await translatingUniqueViolation(() =>
      this.db
        .insertInto('buckets')
        .values({
          bucket_id: b.bucketId,
          organization_internal_id: b.organizationInternalId,
          namespace_id: b.namespaceId,
          bucket_name: b.bucketName,
          description: b.description,
          bucket_schema: toJson(b.bucketSchema),
          unique_key: b.uniqueKey === null ? null : toJson(b.uniqueKey),
          metadata: toJson(b.metadata),
          status: b.status,
          is_locked: b.isLocked ? 1 : 0,
          created_at: b.createdAt,
          updated_at: b.updatedAt,
        })
        .execute(),
    );
  }

  private inNamespace(tenant: TenantScope) {
    return this.db
      .selectFrom('buckets')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant));
  }

  async find(tenant: TenantScope, identifier: string): Promise<Bucket | undefined> {
    const row = await this.inNamespace(tenant)
      .selectAll()
      .where('status', '=', 'ACTIVE')
      .where((eb) => eb.or([eb('bucket_id', '=', identifier), eb('bucket_name', '=', identifier)]))
      .orderBy(sql`case when bucket_id = ${identifier} then 0 else 1 end`)
      .executeTakeFirst();
    return row && toBucket(row);
  }

  async findAnyNamespace(tenant: TenantScope, bucketId: string): Promise<Bucket | undefined> {
    const row = await this.db
      .selectFrom('buckets')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('bucket_id', '=', bucketId)
      .where('status', '=', 'ACTIVE')
      .executeTakeFirst();
    return row && toBucket(row);
  }

  async findById(tenant: TenantScope, bucketId: string): Promise<Bucket | undefined> {
    const row = await this.inNamespace(tenant).selectAll().where('bucket_id', '=', bucketId).executeTakeFirst();
    return row && toBucket(row);
  }

  async list(tenant: TenantScope, filter: BucketListFilter): Promise<{ buckets: Bucket[]; total: number }> {
    let query = this.db.selectFrom('buckets').where('organization_internal_id', '=', tenant.organization.internalId).where('status', '=', 'ACTIVE');
    if (tenant.namespace !== null) query = query.where('namespace_id', '=', tenant.namespace.namespaceId);
    else if (!filter.allNamespaces) {
      const ids = filter.namespaceIds ?? [];
      const prefixes = filter.namespaceIdPrefixes ?? [];
      query = query.where((eb) =>
        eb.or([...(ids.length > 0 ? [eb('namespace_id', 'in', [...ids])] : []), ...prefixes.map((p) => eb(startsWith('namespace_id', p), '=', sql<boolean>`true`)), eb.lit(false)]),
      );
    }
    const lower = (c: 'bucket_id' | 'bucket_name') => (filter.caseSensitive ? sql.ref(c) : sql`lower(${sql.ref(c)})`);
    const norm = (v: string) => (filter.caseSensitive ? v : v.toLowerCase());
    if (filter.bucketIds) {
      const ids = filter.bucketIds.map(norm);
      query = query.where((eb) => (ids.length === 0 ? eb.lit(false) : eb(lower('bucket_id'), 'in', ids)));
    }
    if (filter.bucketNames) {
      const names = filter.bucketNames.map(norm);
      query = query.where((eb) => (names.length === 0 ? eb.lit(false) : eb(lower('bucket_name'), 'in', names)));
    }
    if (filter.search) {
      const col = (c: 'bucket_id' | 'bucket_name' | 'description') => (filter.caseSensitive ? sql`coalesce(${sql.ref(c)}, '')` : sql`lower(coalesce(${sql.ref(c)}, ''))`);
      query = query.where((eb) =>
        eb.or(
          (['bucket_id', 'bucket_name', 'description'] as const).map((c) => containsText(col(c), norm(filter.search!))).map((e) =>
            eb(e, '=', sql<boolean>`true`),
          ),
        ),
      );
    }
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy(filter.sortField, filter.sortDirection).orderBy('bucket_id', 'asc').limit(filter.limit).offset(filter.offset).execute(),
      query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { buckets: rows.map(toBucket), total: Number(count.n) };
  }

  async countLiveInOrganization(tenant: TenantScope): Promise<number> {
    const row = await this.db
      .selectFrom('buckets')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('status', '=', 'ACTIVE')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(tenant: TenantScope, bucketId: string, changes: BucketChanges, updatedAt: string): Promise<boolean> {
    const result = await translatingUniqueViolation(() =>
      this.db
        .updateTable('buckets')
        .set({
          ...(changes.bucketName !== undefined ? { bucket_name: changes.bucketName } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.metadata !== undefined ? { metadata: toJson(changes.metadata) } : {}),
          updated_at: updatedAt,
        })
        .where('organization_internal_id', '=', tenant.organization.internalId)
        .where('namespace_id', '=', namespaceOf(tenant))
        .where('bucket_id', '=', bucketId)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async markDeleting(tenant: TenantScope, bucketId: string, updatedAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('buckets')
      .set({ status: 'DELETING', updated_at: updatedAt })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('bucket_id', '=', bucketId)
      .where('status', '=', 'ACTIVE')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async remove(tenant: TenantScope, bucketId: string): Promise<void> {
    await this.db
      .deleteFrom('buckets')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('bucket_id', '=', bucketId)
      .execute();
  }

  async idsInNamespace(tenant: TenantScope): Promise<string[]> {
    const rows = await this.inNamespace(tenant).select('bucket_id').execute();
    return rows.map((r) => r.bucket_id);
  }

  async contents(tenant: TenantScope, bucketIds: readonly string[]): Promise<Map<string, BucketContents>> {
    const out = new Map<string, BucketContents>(bucketIds.map((id) => [id, { ...EMPTY_CONTENTS, batchStats: { ...EMPTY_CONTENTS.batchStats } }]));
    if (bucketIds.length === 0) return out;
    const batchStats = await new KyselyBatchRepository(this.db).statsByBucket(tenant, bucketIds);
    for (const [id, stats] of batchStats) out.get(id)!.batchStats = stats;
    const rows = await this.db
      .selectFrom('objects')
      .select((eb) => [
        'bucket_id',
        eb.fn.countAll().as('n'),
        eb.fn.sum('total_size_bytes').as('total'),
        eb.fn.max('total_size_bytes').as('max'),
        eb.fn.min('total_size_bytes').as('min'),
        eb.fn.max('created_at').as('last'),
      ])
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('bucket_id', 'in', [...bucketIds])
      .groupBy('bucket_id')
      .execute();
    for (const r of rows) {
      out.set(r.bucket_id, {
        objectCount: Number(r.n),
        totalSizeBytes: Number(r.total ?? 0),
        maxSizeBytes: Number(r.max ?? 0),
        minSizeBytes: Number(r.min ?? 0),
        lastUploadAt: r.last == null ? null : toIso(r.last as string | Date),
        batchStats: out.get(r.bucket_id)?.batchStats ?? { ...EMPTY_CONTENTS.batchStats },
      });
    }
    return out;
  }
}

function toBucket(row: Selectable<BucketsTable>): Bucket {
  return {
    bucketId: row.bucket_id,
    organizationInternalId: row.organization_internal_id,
    namespaceId: row.namespace_id,
    bucketName: row.bucket_name,
    description: row.description,
    bucketSchema: fromJson<BucketSchema>(row.bucket_schema),
    uniqueKey: row.unique_key == null ? null : fromJson<UniqueKeyConfig>(row.unique_key),
    metadata: fromJson<Record<string, unknown>>(row.metadata),
    status: row.status as Bucket['status'],
    isLocked: row.is_locked === 1,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

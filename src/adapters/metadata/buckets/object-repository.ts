import type { Kysely, Selectable } from 'kysely';
import type { BlobRecord } from '../../../engine/objects/blob-record.ts';
import type { ObjectListResult, ObjectRepository } from '../../../engine/objects/object-repositories.ts';
import type { ListQuery } from '../../../engine/query/types.ts';
import { sql, type SqlBool } from 'kysely';
import { compilerFor, searchInFields } from './object-list.ts';
import type { BucketObject, ObjectChanges, SourceDetail } from '../../../engine/objects/types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toJson } from '../row-mappers.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';
import { namespaceOf } from './bucket-repository.ts';
import type { ObjectsTable } from './tables.ts';
import { filterOnly } from '../key-lookup.ts';

/** Rows per INSERT: well under SQLite's bound-parameter limit at 15 columns a row. */
const CHUNK = 500;

export class KyselyObjectRepository implements ObjectRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private inBucket(tenant: TenantScope, bucketId: string) {
    return this.db
      .selectFrom('objects')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('bucket_id', '=', bucketId);
  }

  async insertMany(objects: readonly BucketObject[]): Promise<void> {
    for (let i = 0; i < objects.length; i += CHUNK) {
      const part = objects.slice(i, i + CHUNK);
      await translatingUniqueViolation(() => this.db.insertInto('objects').values(part.map(toRow)).execute());
      const blobs = part.flatMap(blobRows);
      for (let j = 0; j < blobs.length; j += CHUNK) await this.db.insertInto('object_blobs').values(blobs.slice(j, j + CHUNK)).execute();
    }
  }

  async find(tenant: TenantScope, bucketId: string, objectId: string): Promise<BucketObject | undefined> {
    const row = await this.inBucket(tenant, bucketId).selectAll().where('object_id', '=', objectId).executeTakeFirst();
    return row && toObject(row);
  }

  /** The bucket's rows, for a list of object ids: the primary key is probed (see key-lookup.ts). */
  private byIds(tenant: TenantScope, bucketId: string, objectIds: readonly string[]) {
    return this.db
      .selectFrom('objects')
      .where(filterOnly(this.db, 'organization_internal_id'), '=', tenant.organization.internalId)
      .where(filterOnly(this.db, 'namespace_id'), '=', namespaceOf(tenant))
      .where(filterOnly(this.db, 'bucket_id'), '=', bucketId)
      .where('object_id', 'in', [...objectIds]);
  }

  async findMany(tenant: TenantScope, bucketId: string, objectIds: readonly string[]): Promise<BucketObject[]> {
    const out: BucketObject[] = [];
    const unique = [...new Set(objectIds)];
    // Bounded IN lists: both drivers cap bound parameters per statement.
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.byIds(tenant, bucketId, unique.slice(i, i + 500)).selectAll().execute();
      for (const row of rows) out.push(toObject(row));
    }
    return out;
  }

  async existingIds(tenant: TenantScope, bucketId: string, objectIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(objectIds)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.byIds(tenant, bucketId, unique.slice(i, i + 500)).select('object_id').execute();
      for (const row of rows) found.add(row.object_id);
    }
    return found;
  }

  async findByUniqueKey(tenant: TenantScope, bucketId: string, uniqueKeyValue: string): Promise<BucketObject | undefined> {
    const row = await this.inBucket(tenant, bucketId).selectAll().where('unique_key_value', '=', uniqueKeyValue).executeTakeFirst();
    return row && toObject(row);
  }

  async update(tenant: TenantScope, bucketId: string, objectId: string, changes: ObjectChanges, updatedAt: string): Promise<boolean> {
    const result = await translatingUniqueViolation(() =>
      this.db
        .updateTable('objects')
        .set({
          ...(changes.keyPrefix !== undefined ? { key_prefix: changes.keyPrefix } : {}),
          ...(changes.fields !== undefined ? { fields: toJson(changes.fields) } : {}),
          ...(changes.blobs !== undefined ? { blobs: toJson(changes.blobs), blob_count: changes.blobs.length } : {}),
          ...(changes.uniqueKeyValue !== undefined ? { unique_key_value: changes.uniqueKeyValue } : {}),
          ...(changes.totalSizeBytes !== undefined ? { total_size_bytes: changes.totalSizeBytes } : {}),
          updated_at: updatedAt,
        })
        .where('organization_internal_id', '=', tenant.organization.internalId)
        .where('namespace_id', '=', namespaceOf(tenant))
        .where('bucket_id', '=', bucketId)
        .where('object_id', '=', objectId)
        .executeTakeFirst(),
    );
    if (result.numUpdatedRows === 0n) return false;
    if (changes.blobs !== undefined) {
      await this.db.deleteFrom('object_blobs').where('object_id', '=', objectId).execute();
      const rows = blobRows({ objectId, bucketId, blobs: changes.blobs });
      if (rows.length > 0) await this.db.insertInto('object_blobs').values(rows).execute();
    }
    return true;
  }

  async delete(tenant: TenantScope, bucketId: string, objectId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('objects')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('bucket_id', '=', bucketId)
      .where('object_id', '=', objectId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) return false;
    await this.db.deleteFrom('object_blobs').where('object_id', '=', objectId).where('bucket_id', '=', bucketId).execute();
    return true;
  }

  async existingHashes(tenant: TenantScope, bucketId: string, hashes: readonly string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    // object_blobs has no tenant columns: the bucket id is checked against the tenant through objects.
    const rows = await this.db
      .selectFrom('object_blobs')
      .innerJoin('objects', 'objects.object_id', 'object_blobs.object_id')
      .select('object_blobs.hash')
      .where('objects.organization_internal_id', '=', tenant.organization.internalId)
      .where('objects.namespace_id', '=', namespaceOf(tenant))
      .where('object_blobs.bucket_id', '=', bucketId)
      .where('object_blobs.hash', 'in', [...hashes])
      .execute();
    return new Set(rows.map((r) => r.hash));
  }

  async list(tenant: TenantScope, bucketId: string, query: ListQuery): Promise<ObjectListResult> {
    const compiler = compilerFor(this.db);
    const where = sql<SqlBool>`(${compiler.filter(query.filter)} AND (${query.search === null ? sql`(1 = 1)` : sql`(${compiler.search(query.search, query.caseSensitive)} OR ${searchInFields(this.db, query.search, query.caseSensitive)})`}))`;
    const base = this.inBucket(tenant, bucketId).where(where);
    const order = query.sort.length > 0 ? compiler.orderBy(query.sort) : sql`created_at DESC, object_id DESC`;
    const [rows, groups] = await Promise.all([
      base.selectAll().orderBy(order).limit(query.limit).offset(query.offset).execute(),
      base.select((eb) => ['status', eb.fn.countAll().as('n'), eb.fn.sum('blob_count').as('blobs')]).groupBy('status').execute(),
    ]);
    const objectsByStatus: Record<string, number> = {};
    let total = 0;
    let totalBlobs = 0;
    for (const g of groups) {
      objectsByStatus[g.status] = Number(g.n);
      total += Number(g.n);
      totalBlobs += Number(g.blobs ?? 0);
    }
    return { objects: rows.map(toObject), total, totalBlobs, objectsByStatus };
  }

  async scan(tenant: TenantScope, bucketId: string, cap: number): Promise<BucketObject[]> {
    const rows = await this.inBucket(tenant, bucketId).selectAll().orderBy('created_at', 'asc').orderBy('object_id', 'asc').limit(cap).execute();
    return rows.map(toObject);
  }

  async countInOrganization(tenant: TenantScope): Promise<number> {
    const row = await this.db
      .selectFrom('objects')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findAnywhere(tenant: TenantScope, objectId: string): Promise<BucketObject | undefined> {
    let q = this.db.selectFrom('objects').selectAll().where('organization_internal_id', '=', tenant.organization.internalId).where('object_id', '=', objectId);
    if (tenant.namespace !== null) q = q.where('namespace_id', '=', tenant.namespace.namespaceId);
    const row = await q.executeTakeFirst();
    return row && toObject(row);
  }

  async deleteAllInBucket(tenant: TenantScope, bucketId: string): Promise<number> {
    await this.db.deleteFrom('object_blobs').where('bucket_id', '=', bucketId).where('object_id', 'in', this.inBucket(tenant, bucketId).select('object_id')).execute();
    const result = await this.db
      .deleteFrom('objects')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('bucket_id', '=', bucketId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toRow(o: BucketObject) {
  return {
    object_id: o.objectId,
    organization_internal_id: o.organizationInternalId,
    namespace_id: o.namespaceId,
    bucket_id: o.bucketId,
    key_prefix: o.keyPrefix,
    fields: toJson(o.fields),
    blobs: toJson(o.blobs),
    blob_count: o.blobs.length,
    status: o.status,
    error: o.error,
    unique_key_value: o.uniqueKeyValue,
    source_details: toJson(o.sourceDetails),
    total_size_bytes: o.totalSizeBytes,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

function blobRows(o: Pick<BucketObject, 'objectId' | 'bucketId' | 'blobs'>) {
  return o.blobs.map((b) => ({ blob_id: b.blobId, object_id: o.objectId, bucket_id: o.bucketId, hash: b.hash, size_bytes: b.sizeBytes }));
}

function toObject(row: Selectable<ObjectsTable>): BucketObject {
  return {
    objectId: row.object_id,
    organizationInternalId: row.organization_internal_id,
    namespaceId: row.namespace_id,
    bucketId: row.bucket_id,
    keyPrefix: row.key_prefix,
    fields: fromJson<Record<string, unknown>>(row.fields),
    blobs: fromJson<BlobRecord[]>(row.blobs),
    status: row.status,
    error: row.error,
    uniqueKeyValue: row.unique_key_value,
    sourceDetails: fromJson<SourceDetail[]>(row.source_details),
    totalSizeBytes: Number(row.total_size_bytes),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

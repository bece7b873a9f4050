import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { BlobFieldType } from '../../../engine/buckets/field-types.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { UploadChanges, UploadListFilter, UploadRepository, UploadStats } from '../../../engine/uploads/upload-repositories.ts';
import type { Upload, UploadStatus } from '../../../engine/uploads/types.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toIsoOrNull, toJson } from '../row-mappers.ts';
import type { UploadsTable } from './tables.ts';

export class KyselyUploadRepository implements UploadRepository {
  private readonly postgres: boolean;

  constructor(private readonly db: Kysely<Database>) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  private scoped(tenant: TenantScope) {
    return this.db
      .selectFrom('uploads')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant));
  }

  async insert(u: Upload): Promise<void> {
    await this.db
      .insertInto('uploads')
      .values({
        upload_id: u.uploadId,
        organization_internal_id: u.organizationInternalId,
        namespace_id: u.namespaceId,
        bucket_id: u.bucketId,
        filename: u.filename,
        content_type: u.contentType,
        file_size_bytes: u.fileSizeBytes,
        presigned_url_expiration: u.presignedUrlExpiration,
        storage_key: u.storageKey,
        status: u.status,
        metadata: toJson(u.metadata),
        create_object_on_confirm: u.createObjectOnConfirm ? 1 : 0,
        object_metadata: u.objectMetadata === null ? null : toJson(u.objectMetadata),
        blob_property: u.blobProperty,
        blob_type: u.blobType,
        file_hash: u.fileHash,
        skip_duplicates: u.skipDuplicates ? 1 : 0,
        is_duplicate: u.isDuplicate ? 1 : 0,
        duplicate_of_upload_id: u.duplicateOfUploadId,
        existing_object_id: u.existingObjectId,
        etag: u.etag,
        object_id: u.objectId,
        task_id: u.taskId,
        detected_mime_type: u.detectedMimeType,
        message: u.message,
        created_at: u.createdAt,
        expires_at: u.expiresAt,
        completed_at: u.completedAt,
        verified_at: u.verifiedAt,
        processing_since: u.processingSince,
      })
      .execute();
  }

  async find(tenant: TenantScope, bucketId: string, uploadId: string): Promise<Upload | undefined> {
    const row = await this.scoped(tenant).selectAll().where('bucket_id', '=', bucketId).where('upload_id', '=', uploadId).executeTakeFirst();
    return row && toUpload(row);
  }

  async transition(tenant: TenantScope, uploadId: string, from: readonly UploadStatus[], c: UploadChanges): Promise<boolean> {
    const set: Record<string, unknown> = {};
    if (c.status !== undefined) set['status'] = c.status;
    if (c.fileSizeBytes !== undefined) set['file_size_bytes'] = c.fileSizeBytes;
    if (c.fileHash !== undefined) set['file_hash'] = c.fileHash;
    if (c.etag !== undefined) set['etag'] = c.etag;
    if (c.objectId !== undefined) set['object_id'] = c.objectId;
    if (c.taskId !== undefined) set['task_id'] = c.taskId;
    if (c.message !== undefined) set['message'] = c.message;
    if (c.completedAt !== undefined) set['completed_at'] = c.completedAt;
    if (c.verifiedAt !== undefined) set['verified_at'] = c.verifiedAt;
    if (c.detectedMimeType !== undefined) set['detected_mime_type'] = c.detectedMimeType;
    if (c.processingSince !== undefined) set['processing_since'] = c.processingSince;
    const result = await this.db
      .updateTable('uploads')
      .set(set)
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('upload_id', '=', uploadId)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async remove(tenant: TenantScope, uploadId: string): Promise<void> {
    await this.db
      .deleteFrom('uploads')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('upload_id', '=', uploadId)
      .execute();
  }

  async removeAllInBucket(tenant: TenantScope, bucketId: string): Promise<number> {
    const result = await this.db
      .deleteFrom('uploads')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('bucket_id', '=', bucketId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async list(tenant: TenantScope, f: UploadListFilter): Promise<{ uploads: Upload[]; total: number; stats: UploadStats }> {
    let q = this.scoped(tenant).where('bucket_id', '=', f.bucketId);
    if (f.status) q = q.where('status', 'in', f.status.length > 0 ? [...f.status] : ['']);
    if (f.filename !== undefined) q = q.where('filename', '=', f.filename);
    if (f.contentType !== undefined) q = q.where('content_type', '=', f.contentType);
    if (f.blobProperty !== undefined) q = q.where('blob_property', '=', f.blobProperty);
    if (f.fileHash !== undefined) q = q.where('file_hash', '=', f.fileHash);
    if (f.uploadIds) q = q.where('upload_id', 'in', f.uploadIds.length > 0 ? [...f.uploadIds] : ['']);
    for (const [key, value] of Object.entries(f.metadata ?? {})) {
      const extracted = this.postgres ? sql`(metadata ->> ${key})` : sql`cast(json_extract(metadata, ${'$."' + key.replace(/"/g, '') + '"'}) as text)`;
      const expected = typeof value === 'boolean' ? (this.postgres ? String(value) : value ? '1' : '0') : String(value);
      q = q.where(sql<boolean>`${extracted} = ${expected}`);
    }
    if (f.search) {
      const pattern = `%${f.search.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      q = q.where(sql<boolean>`(lower(filename) like ${pattern} escape '\\' or lower(cast(metadata as text)) like ${pattern} escape '\\')`);
    }
    const [rows, byStatus] = await Promise.all([
      q.selectAll().orderBy(f.sortField, f.sortDirection).orderBy('upload_id', 'asc').limit(f.limit).offset(f.offset).execute(),
      q
        .select((eb) => ['status', eb.fn.countAll().as('n'), eb.fn.sum<number | string | null>(eb.fn.coalesce('file_size_bytes', sql.lit(0))).as('bytes')])
        .groupBy('status')
        .execute(),
    ]);
    const uploadsByStatus: Record<string, number> = {};
    let total = 0;
    let bytes = 0;
    for (const r of byStatus) {
      uploadsByStatus[r.status] = Number(r.n);
      total += Number(r.n);
      bytes += Number(r.bytes ?? 0);
    }
    return { uploads: rows.map(toUpload), total, stats: { totalUploads: total, totalSizeBytes: bytes, uploadsByStatus, uniqueBuckets: total > 0 ? 1 : 0 } };
  }

  async findCompletedByHash(tenant: TenantScope, bucketId: string, fileHash: string): Promise<Upload | undefined> {
    const row = await this.scoped(tenant)
      .selectAll()
      .where('bucket_id', '=', bucketId)
      .where('file_hash', '=', fileHash)
      .where('status', '=', 'COMPLETED')
      .orderBy('completed_at', 'desc')
      .executeTakeFirst();
    return row && toUpload(row);
  }

  async failExpired(tenant: TenantScope, now: string, bucketId?: string): Promise<number> {
    let q = this.db
      .updateTable('uploads')
      .set({ status: 'FAILED', message: 'The upload URL expired before the upload was confirmed' })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('namespace_id', '=', namespaceOf(tenant))
      .where('status', '=', 'PENDING')
      .where('expires_at', '<=', now);
    if (bucketId !== undefined) q = q.where('bucket_id', '=', bucketId);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

function namespaceOf(tenant: TenantScope): string {
  if (!tenant.namespace) throw new Error('uploads are namespaced: the scope has no namespace');
  return tenant.namespace.namespaceId;
}

function toUpload(row: Selectable<UploadsTable>): Upload {
  return {
    uploadId: row.upload_id,
    organizationInternalId: row.organization_internal_id,
    namespaceId: row.namespace_id,
    bucketId: row.bucket_id,
    filename: row.filename,
    contentType: row.content_type,
    fileSizeBytes: row.file_size_bytes === null ? null : Number(row.file_size_bytes),
    presignedUrlExpiration: row.presigned_url_expiration,
    storageKey: row.storage_key,
    status: row.status as UploadStatus,
    metadata: fromJson(row.metadata),
    createObjectOnConfirm: Boolean(row.create_object_on_confirm),
    objectMetadata: row.object_metadata == null ? null : fromJson(row.object_metadata),
    blobProperty: row.blob_property,
    blobType: row.blob_type as BlobFieldType | null,
    fileHash: row.file_hash,
    skipDuplicates: Boolean(row.skip_duplicates),
    isDuplicate: Boolean(row.is_duplicate),
    duplicateOfUploadId: row.duplicate_of_upload_id,
    existingObjectId: row.existing_object_id,
    etag: row.etag,
    objectId: row.object_id,
    taskId: row.task_id,
    detectedMimeType: row.detected_mime_type,
    message: row.message,
    createdAt: toIso(row.created_at),
    expiresAt: toIso(row.expires_at),
    completedAt: toIsoOrNull(row.completed_at),
    verifiedAt: toIsoOrNull(row.verified_at),
    processingSince: toIsoOrNull(row.processing_since),
  };
}

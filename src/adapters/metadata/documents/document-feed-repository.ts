// The documents' change log and the bulk reads search indexes are built from
// (src/engine/documents/document-feed.ts). Reads name a namespace; they are not tenant-scoped
// because an index serves every tenant of the process, and namespace ids are unique across them.
import type { Kysely } from 'kysely';
import type { DocumentChange, DocumentChangeKind, DocumentFeedRepository, IndexDocument } from '../../../engine/documents/document-feed.ts';
import { toIndexDocument } from '../../../engine/documents/document-feed.ts';
import type { StoredDocument } from '../../../engine/documents/types.ts';
import type { Database } from '../database-types.ts';
import { filterOnly } from '../key-lookup.ts';
import { toDocument } from './document-repository.ts';
import { bytesToVector } from './vector-bytes.ts';

const ID_CHUNK = 1000;

export class KyselyDocumentFeedRepository implements DocumentFeedRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async latestSeq(namespaceId: string): Promise<number> {
    const row = await this.db.selectFrom('document_changes').select((eb) => eb.fn.max('seq').as('seq')).where('namespace_id', '=', namespaceId).executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async latestSeqOverall(): Promise<number> {
    const row = await this.db.selectFrom('document_changes').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async oldestSeq(): Promise<number> {
    const row = await this.db.selectFrom('document_changes').select((eb) => eb.fn.min('seq').as('seq')).executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async changesSince(namespaceId: string, afterSeq: number, limit: number): Promise<DocumentChange[]> {
    const rows = await this.db
      .selectFrom('document_changes')
      .selectAll()
      .where('namespace_id', '=', namespaceId)
      .where('seq', '>', afterSeq as never)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      organizationInternalId: r.organization_internal_id,
      namespaceId: r.namespace_id,
      collectionId: r.collection_id,
      documentId: r.document_id,
      kind: r.kind as DocumentChangeKind,
    }));
  }

  async documentsForIndex(namespaceId: string, documentIds: readonly string[]): Promise<IndexDocument[]> {
    const out: StoredDocument[] = [];
    const unique = [...new Set(documentIds)];
    for (let i = 0; i < unique.length; i += ID_CHUNK) {
      const rows = await this.db
        .selectFrom('documents')
        .selectAll()
        .where(filterOnly(this.db, 'namespace_id'), '=', namespaceId)
        .where('document_id', 'in', unique.slice(i, i + ID_CHUNK))
        .execute();
      out.push(...rows.map(toDocument));
    }
    return (await this.withVectors(namespaceId, out)).map(toIndexDocument);
  }

  async scanNamespace(namespaceId: string, afterDocumentId: string | null, limit: number): Promise<IndexDocument[]> {
    let q = this.db.selectFrom('documents').selectAll().where('namespace_id', '=', namespaceId);
    if (afterDocumentId !== null) q = q.where('document_id', '>', afterDocumentId);
    const rows = await q.orderBy('document_id').limit(limit).execute();
    return (await this.withVectors(namespaceId, rows.map(toDocument))).map(toIndexDocument);
  }

  async documentIdsInCollection(namespaceId: string, collectionId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('documents').select('document_id').where('namespace_id', '=', namespaceId).where('collection_id', '=', collectionId).execute();
    return rows.map((r) => r.document_id);
  }

  async namespacesWithDocuments(): Promise<string[]> {
    const rows = await this.db.selectFrom('documents').select('namespace_id').distinct().orderBy('namespace_id').execute();
    return rows.map((r) => r.namespace_id);
  }

  async pruneThrough(seq: number): Promise<number> {
    const result = await this.db.deleteFrom('document_changes').where('seq', '<=', seq as never).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async withVectors(namespaceId: string, documents: StoredDocument[]): Promise<StoredDocument[]> {
    if (documents.length === 0) return documents;
    const byId = new Map(documents.map((d) => [d.documentId, d]));
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const rows = await this.db
        .selectFrom('document_vectors')
        .select(['document_id', 'index_name', 'vector'])
        .where(filterOnly(this.db, 'namespace_id'), '=', namespaceId)
        .where('document_id', 'in', ids.slice(i, i + ID_CHUNK))
        .execute();
      for (const r of rows) {
        const d = byId.get(r.document_id);
        if (d) d.vectors[r.index_name] = bytesToVector(r.vector);
      }
    }
    return documents;
  }
}

// Documents of a collection (SPEC §13): create with provided vectors, read (vectors on request),
// replace/patch user fields, delete, list, batch and bulk updates and deletes, aggregate. Every
// route works inside the namespace named by X-Namespace; the collection comes from the path (id or
// name). Vectors and system fields never change through updates.
import { newId } from '../../lib/ids.ts';
import { assertWithinQuota } from '../accounts/quotas.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import type { Collection } from '../collections/types.ts';
import { aggregate, type AggregationOutput, type AggregationRequest } from '../objects/object-aggregate.ts';
import type { Clock } from '../ports/clock.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import { parseFilter, parseListQuery, type ListQueryInput } from '../query/parse.ts';
import type { FilterNode, ListQuery } from '../query/types.ts';
import { missingNamespace } from '../scope/resource-scope.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import { assertUpdateData, createFields, providedVectors, updatedFields, type DocumentCreateInput } from './document-input.ts';
import { documentView } from './document-view.ts';
import type { DocumentFieldsUpdate } from './document-repositories.ts';
import type { LineageStep, StoredDocument } from './types.ts';

/** Lists: default and largest page (SPEC §13.1 query paging). */
export const DOCUMENT_PAGE = { limit: 10, maxLimit: 1000 };
/** Explicit ids per batch update or delete (SPEC §13.1). */
export const MAX_BATCH_DOCUMENTS = 1000;
/** Aggregations read at most this many documents of a collection. */
export const MAX_AGGREGATED_DOCUMENTS = 100_000;
/** Rows per page of filter-driven bulk work. */
const SCAN_PAGE = 500;
/** Lineage walks stop after this many ancestors (a cycle written by hand cannot loop forever). */
export const MAX_LINEAGE_DEPTH = 32;

export interface DocumentListInput extends ListQueryInput {
  return_vectors?: boolean | null;
}

export interface DocumentPage {
  documents: StoredDocument[];
  query: ListQuery;
  total: number;
  totalSourceBlobs: number;
  collection: Collection;
}

export interface BatchItemResult {
  document_id: string;
  success: boolean;
  error: string | null;
}

export interface BatchUpdateInput {
  updates?: { document_id: string; update_data: Record<string, unknown> }[] | null;
  filters?: unknown;
  update_data?: Record<string, unknown> | null;
}

export interface BatchDeleteInput {
  document_ids?: string[] | null;
  filters?: unknown;
}

/** The collection's extractor as lineage steps name it ("text_extractor_v1"). */
export function extractorIdOf(collection: Collection): string {
  return `${collection.featureExtractor.feature_extractor_name}_${collection.featureExtractor.version}`;
}

export class DocumentService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
  ) {}

  /** The collection a document route addresses, in the scope's namespace (X-Namespace is required). */
  async collectionFor(repos: Pick<Repositories, 'collections'>, scope: RequestScope, identifier: string): Promise<Collection> {
    if (scope.namespace === null) throw missingNamespace("a collection's documents");
    const collection = await repos.collections.find(scope, identifier);
    if (!collection) throw new NotFoundError('collection', identifier);
    return collection;
  }

  private async requireDocument(repos: Pick<Repositories, 'documents'>, scope: RequestScope, collection: Collection, documentId: string, withVectors: boolean): Promise<StoredDocument> {
    const document = await repos.documents.find(scope, collection.collectionId, documentId, { withVectors });
    if (!document) throw new NotFoundError('document', documentId);
    return document;
  }

  async create(scope: RequestScope, collectionIdentifier: string, body: DocumentCreateInput): Promise<{ document: StoredDocument; collection: Collection }> {
    const collection = await this.collectionFor(this.store, scope, collectionIdentifier);
    if (body.collection_id !== undefined && body.collection_id !== null && body.collection_id !== collection.collectionId && body.collection_id !== collection.collectionName) {
      throw new BadRequestError(`collection_id '${body.collection_id}' does not match the collection in the path (${collection.collectionId})`, { field: 'collection_id' }, 'collection_mismatch');
    }
    if (body.document_schema_version !== undefined && body.document_schema_version !== null && !['v1', 'v2'].includes(body.document_schema_version)) {
      throw new BadRequestError("document_schema_version must be 'v1' or 'v2'", { field: 'document_schema_version' });
    }
    const fields = createFields(body);
    const vectors = providedVectors(collection, body.features);
    const parent = body.source_document_id ? await this.store.documents.findInNamespace(scope, body.source_document_id) : undefined;
    if (body.source_document_id && !parent) throw new BadRequestError(`source_document_id '${body.source_document_id}' is not a document of this namespace`, { field: 'source_document_id' }, 'unknown_source_document');
    const now = this.clock.now().toISOString();
    const documentId = newId('document');
    const sourceType = body.source_type ?? (parent || body.source_collection_id ? 'collection' : collection.source.type);
    const rootObjectId = body.root_object_id ?? parent?.lineage.rootObjectId ?? body.source_object_id ?? null;
    const rootBucketId = body.root_bucket_id ?? parent?.lineage.rootBucketId ?? null;
    const step: LineageStep = { collection_id: collection.collectionId, feature_extractor_id: body.features?.[0]?.feature_extractor_id ?? extractorIdOf(collection), document_id: documentId, timestamp: now };
    const document: StoredDocument = {
      documentId,
      organizationInternalId: scope.organization.internalId,
      namespaceId: scope.namespace!.namespaceId,
      collectionId: collection.collectionId,
      fields,
      vectors,
      lineage: {
        rootObjectId,
        rootBucketId,
        sourceType,
        sourceObjectId: body.source_object_id ?? (sourceType === 'bucket' ? rootObjectId : null),
        sourceDocumentId: parent?.documentId ?? null,
        sourceCollectionId: body.source_collection_id ?? parent?.collectionId ?? null,
        path: body.lineage_path ?? (parent ? `${parent.lineage.path}/${collection.collectionId}` : rootBucketId ? `${rootBucketId}/${collection.collectionId}` : collection.collectionId),
        chain: body.lineage_chain ?? [...(parent?.lineage.chain ?? []), step],
      },
      processingTier: collection.tier,
      sourceBlobs: body.source_blobs ?? [],
      internalMetadata: { ingestion_status: 'COMPLETED', document_schema_version: body.document_schema_version ?? 'v1', created_via: 'api' },
      batchId: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.transaction(async (repos) => {
      await repos.organizations.lock(scope.organization.internalId);
      assertWithinQuota(scope.organization, 'documents', await repos.documents.countInOrganization(scope));
      await repos.documents.upsertMany(scope, [document]);
    });
    return { document, collection };
  }

  async get(scope: RequestScope, collectionIdentifier: string, documentId: string, withVectors: boolean): Promise<{ document: StoredDocument; collection: Collection }> {
    const collection = await this.collectionFor(this.store, scope, collectionIdentifier);
    return { document: await this.requireDocument(this.store, scope, collection, documentId, withVectors), collection };
  }

  /** PUT (replace the user fields) and PATCH (merge them). */
  async update(scope: RequestScope, collectionIdentifier: string, documentId: string, body: Record<string, unknown>, mode: 'replace' | 'merge'): Promise<{ document: StoredDocument; collection: Collection }> {
    return this.store.transaction(async (repos) => {
      const collection = await this.collectionFor(repos, scope, collectionIdentifier);
      const vectorNames = collection.vectorIndexes.map((v) => v.name);
      const current = await this.requireDocument(repos, scope, collection, documentId, touchesVectors(body, vectorNames));
      const fields = updatedFields(current, body, mode, vectorNames);
      const now = this.clock.now().toISOString();
      await repos.documents.updateFields(scope, collection.collectionId, [{ documentId, fields }], now);
      return { document: { ...current, fields, vectors: {}, updatedAt: now }, collection };
    });
  }

  async delete(scope: RequestScope, collectionIdentifier: string, documentId: string): Promise<void> {
    const collection = await this.collectionFor(this.store, scope, collectionIdentifier);
    const deleted = await this.store.transaction((repos) => repos.documents.deleteMany(scope, collection.collectionId, [documentId]));
    if (deleted.length === 0) throw new NotFoundError('document', documentId);
  }

  async list(scope: RequestScope, collectionIdentifier: string, input: DocumentListInput): Promise<DocumentPage> {
    const collection = await this.collectionFor(this.store, scope, collectionIdentifier);
    const query = parseListQuery(input, DOCUMENT_PAGE);
    // The stats count every match, so the count is always taken; the page shows it only when asked.
    const page = await this.store.documents.list(scope, collection.collectionId, { ...query, includeTotal: true }, { withVectors: input.return_vectors === true });
    return { documents: page.documents, query, total: page.total ?? 0, totalSourceBlobs: page.totalSourceBlobs ?? 0, collection };
  }

  /** POST …/documents/batch: explicit updates (per-document results) XOR filters + update_data (counts only). */
  async batchUpdate(scope: RequestScope, collectionIdentifier: string, input: BatchUpdateInput): Promise<{ updated: number; failed: number; results: BatchItemResult[] }> {
    const hasUpdates = input.updates !== undefined && input.updates !== null;
    const hasFilterMode = (input.filters !== undefined && input.filters !== null) || (input.update_data !== undefined && input.update_data !== null);
    if (hasUpdates === hasFilterMode) throw new BadRequestError('Give either updates (document_id + update_data each) or filters with update_data, not both and not neither', { fields: ['updates', 'filters', 'update_data'] }, 'invalid_batch');
    if (!hasUpdates) {
      if (input.filters === undefined || input.filters === null) throw new BadRequestError('filters mode needs filters as well as update_data', { field: 'filters' }, 'invalid_batch');
      assertUpdateData(input.update_data, 'update_data');
      const updated = await this.updateMatching(scope, collectionIdentifier, input.filters, input.update_data);
      return { updated, failed: 0, results: [] };
    }
    const updates = input.updates!;
    if (updates.length === 0 || updates.length > MAX_BATCH_DOCUMENTS) throw new BadRequestError(`updates holds 1 to ${MAX_BATCH_DOCUMENTS} entries`, { field: 'updates' }, 'invalid_batch');
    updates.forEach((u, i) => assertUpdateData(u.update_data, `updates[${i}].update_data`));
    return this.store.transaction(async (repos) => {
      const collection = await this.collectionFor(repos, scope, collectionIdentifier);
      const vectorNames = collection.vectorIndexes.map((v) => v.name);
      // Successive updates of one id apply in order, as separate requests would.
      const pending = new Map<string, StoredDocument>();
      const results: BatchItemResult[] = [];
      for (const [i, u] of updates.entries()) {
        const current = pending.get(u.document_id) ?? (await repos.documents.find(scope, collection.collectionId, u.document_id, { withVectors: touchesVectors(u.update_data, vectorNames) }));
        if (!current) {
          results.push({ document_id: u.document_id, success: false, error: 'Document not found' });
          continue;
        }
        pending.set(u.document_id, { ...current, fields: updatedFields(current, u.update_data, 'merge', vectorNames, `updates[${i}].update_data`) });
        results.push({ document_id: u.document_id, success: true, error: null });
      }
      const writes: DocumentFieldsUpdate[] = [...pending.values()].map((d) => ({ documentId: d.documentId, fields: d.fields }));
      await repos.documents.updateFields(scope, collection.collectionId, writes, this.clock.now().toISOString());
      const failed = results.filter((r) => !r.success).length;
      return { updated: results.length - failed, failed, results };
    });
  }

  /** PATCH …/documents/bulk: the same update_data on every document the filters match (none given: all). */
  async bulkUpdate(scope: RequestScope, collectionIdentifier: string, filters: unknown, updateData: unknown): Promise<number> {
    assertUpdateData(updateData, 'update_data');
    return this.updateMatching(scope, collectionIdentifier, filters ?? null, updateData);
  }

  private async updateMatching(scope: RequestScope, collectionIdentifier: string, filters: unknown, updateData: Record<string, unknown>): Promise<number> {
    const filter = parseDocumentFilter(filters);
    return this.store.transaction(async (repos) => {
      const collection = await this.collectionFor(repos, scope, collectionIdentifier);
      const vectorNames = collection.vectorIndexes.map((v) => v.name);
      const withVectors = touchesVectors(updateData, vectorNames);
      const now = this.clock.now().toISOString();
      let after: string | null = null;
      let updated = 0;
      for (;;) {
        const page = await repos.documents.scan(scope, collection.collectionId, filter, after, SCAN_PAGE);
        if (page.length === 0) break;
        const withVectorsPage = withVectors ? await Promise.all(page.map(async (d) => (await repos.documents.find(scope, collection.collectionId, d.documentId)) ?? d)) : page;
        const writes = withVectorsPage.map((d) => ({ documentId: d.documentId, fields: updatedFields(d, updateData, 'merge', vectorNames, 'update_data') }));
        updated += (await repos.documents.updateFields(scope, collection.collectionId, writes, now)).length;
        after = page.at(-1)!.documentId;
        if (page.length < SCAN_PAGE) break;
      }
      return updated;
    });
  }

  /** DELETE …/documents/batch: document_ids (per-document results) XOR filters (count only). */
  async batchDelete(scope: RequestScope, collectionIdentifier: string, input: BatchDeleteInput): Promise<{ deleted: number; failed: number; results: BatchItemResult[] }> {
    const hasIds = input.document_ids !== undefined && input.document_ids !== null;
    const hasFilters = input.filters !== undefined && input.filters !== null;
    if (hasIds === hasFilters) throw new BadRequestError('Give either document_ids or filters, not both and not neither', { fields: ['document_ids', 'filters'] }, 'invalid_batch');
    if (hasFilters) {
      const filter = parseDocumentFilter(input.filters);
      if (filter === null) throw new BadRequestError('filters must hold at least one condition; to empty a collection, delete it', { field: 'filters' }, 'invalid_batch');
      const collection = await this.collectionFor(this.store, scope, collectionIdentifier);
      const deleted = await this.store.transaction((repos) => repos.documents.deleteMatching(scope, collection.collectionId, filter));
      return { deleted, failed: 0, results: [] };
    }
    const ids = input.document_ids!;
    if (ids.length === 0 || ids.length > MAX_BATCH_DOCUMENTS) throw new BadRequestError(`document_ids holds 1 to ${MAX_BATCH_DOCUMENTS} ids`, { field: 'document_ids' }, 'invalid_batch');
    const collection = await this.collectionFor(this.store, scope, collectionIdentifier);
    const gone = new Set(await this.store.transaction((repos) => repos.documents.deleteMany(scope, collection.collectionId, ids)));
    const seen = new Set<string>();
    const results = ids.map((id) => {
      const success = gone.has(id) && !seen.has(id);
      seen.add(id);
      return { document_id: id, success, error: success ? null : 'Document not found' };
    });
    const deleted = results.filter((r) => r.success).length;
    return { deleted, failed: results.length - deleted, results };
  }

  /** SPEC §13.4, evaluated by the shared aggregation module (objects use it too) over the collection's documents. */
  async aggregate(scope: RequestScope, collectionIdentifier: string, request: AggregationRequest): Promise<AggregationOutput & { scanned: number; collection: Collection }> {
    const collection = await this.collectionFor(this.store, scope, collectionIdentifier);
    const views: Record<string, unknown>[] = [];
    let after: string | null = null;
    while (views.length < MAX_AGGREGATED_DOCUMENTS) {
      const page = await this.store.documents.scan(scope, collection.collectionId, null, after, Math.min(5000, MAX_AGGREGATED_DOCUMENTS - views.length));
      for (const d of page) views.push(documentView(d));
      if (page.length === 0 || page.length < 5000) break;
      after = page.at(-1)!.documentId;
    }
    return { ...aggregate(views, request), scanned: views.length, collection };
  }
}

/** Whether an update names one of the vector indexes (only then are the stored vectors read, to compare). */
function touchesVectors(update: Record<string, unknown>, vectorNames: readonly string[]): boolean {
  return Object.keys(update).some((k) => vectorNames.includes(k.split('.')[0]!));
}

/** LogicalOperator filters, or the raw Qdrant form the docs show for bulk endpoints ({"must": [{"key", "value" | "match"}]}). */
export function parseDocumentFilter(filters: unknown): FilterNode | null {
  return parseFilter(fromQdrant(filters));
}

function fromQdrant(filters: unknown): unknown {
  if (filters === null || typeof filters !== 'object' || Array.isArray(filters)) return filters;
  const f = filters as Record<string, unknown>;
  const keys = Object.keys(f);
  if (keys.length === 0 || !keys.every((k) => k === 'must' || k === 'should' || k === 'must_not')) return filters;
  const condition = (c: unknown): unknown => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new BadRequestError('a Qdrant condition is {key, match: {value}} or {key, value}', { field: 'filters' }, 'invalid_filter');
    const item = c as Record<string, unknown>;
    if ('must' in item || 'should' in item || 'must_not' in item) return fromQdrant(item);
    const match = item.match as Record<string, unknown> | undefined;
    if (match && typeof match === 'object' && 'any' in match) return { field: item.key, operator: 'in', value: match.any };
    return { field: item.key, operator: 'eq', value: match && typeof match === 'object' ? match.value : item.value };
  };
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]).map(condition);
  return {
    ...(f.must !== undefined ? { AND: list(f.must) } : {}),
    ...(f.should !== undefined ? { OR: list(f.should) } : {}),
    ...(f.must_not !== undefined ? { NOT: list(f.must_not) } : {}),
  };
}

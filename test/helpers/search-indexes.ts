// The SearchIndex adapters the contract suite (test/search-index-contract.test.ts) holds to the
// same behaviour, each opened over a test's metadata store; plus helpers to write documents
// through the real store and to compute what a search should return.
import type { SearchIndex } from '../../src/engine/ports/search-index.ts';
import type { MetadataStore } from '../../src/engine/ports/metadata-store.ts';
import type { TesseraConfig } from '../../src/config.ts';
import type { StoredDocument } from '../../src/engine/documents/types.ts';
import type { TenantScope } from '../../src/engine/scope/request-scope.ts';
import { EmbeddedSearchIndex } from '../../src/adapters/search/embedded/embedded-search-index.ts';
import { PgvectorSearchIndex } from '../../src/adapters/search/pgvector/pgvector-search-index.ts';
import { BACKEND } from './test-app.ts';
import { mulberry32 } from '../../src/lib/prng.ts';

export interface SearchIndexFactory {
  name: string;
  /** A new adapter instance over the store (two calls: two processes sharing the database). */
  open(store: MetadataStore, config: TesseraConfig): Promise<SearchIndex>;
}

export const quietLog = { info: () => {}, warn: () => {}, error: () => {} };

export function searchIndexFactories(): SearchIndexFactory[] {
  const factories: SearchIndexFactory[] = [{ name: 'embedded', open: async (store) => new EmbeddedSearchIndex({ feed: store.documentFeed }) }];
  if (BACKEND === 'postgres') factories.push({ name: 'pgvector', open: (store, config) => openPgvector(store, config) });
  return factories;
}

export function openPgvector(store: MetadataStore, config: TesseraConfig, extra: Partial<Parameters<typeof PgvectorSearchIndex.open>[0]> = {}): Promise<PgvectorSearchIndex> {
  return PgvectorSearchIndex.open({
    databaseUrl: config.databaseUrl!,
    schema: config.databaseSchema,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    poolSize: 4,
    idleTimeoutMs: config.databaseIdleTimeoutMs,
    feed: store.documentFeed,
    log: quietLog,
    ...extra,
  });
}

export const random = mulberry32;

export function randomVector(next: () => number, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = next() * 2 - 1;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** A stored document of the tenant, with the lineage a batch would give it. */
export function indexDocument(tenant: TenantScope, collectionId: string, documentId: string, fields: Record<string, unknown>, vectors: Record<string, Float32Array>, createdAt = '2025-01-01T00:00:00.000Z'): StoredDocument {
  return {
    documentId,
    organizationInternalId: tenant.organization.internalId,
    namespaceId: tenant.namespace!.namespaceId,
    collectionId,
    fields,
    vectors,
    lineage: {
      rootObjectId: `obj_${documentId}`,
      rootBucketId: 'bkt_contract',
      sourceType: 'bucket',
      sourceObjectId: `obj_${documentId}`,
      sourceDocumentId: null,
      sourceCollectionId: null,
      path: `bkt_contract/${collectionId}`,
      chain: [],
    },
    processingTier: 1,
    sourceBlobs: [],
    internalMetadata: {},
    batchId: null,
    createdAt,
    updatedAt: createdAt,
  };
}

/** Writes documents through the real store, in chunks (one transaction each, as a batch does). */
export async function writeDocuments(store: MetadataStore, tenant: TenantScope, documents: readonly StoredDocument[], chunk = 500): Promise<void> {
  for (let i = 0; i < documents.length; i += chunk) await store.documents.upsertMany(tenant, documents.slice(i, i + chunk));
}

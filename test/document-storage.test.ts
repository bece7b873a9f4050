// The document repository on real storage (both backends): upsert semantics the batch pipeline
// relies on (deterministic ids overwrite, created_at kept, retries write one row, vectors replaced
// as a whole and stored as little-endian float32 bytes), tenant isolation of every read and write,
// and one throughput figure for upsertMany (printed, not asserted: the machine is shared).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { StoredDocument } from '../src/engine/documents/types.ts';
import { withNamespace, type RequestScope } from '../src/engine/scope/request-scope.ts';
import { sha256Hex } from '../src/lib/secrets.ts';
import { scopeFor } from './helpers/scopes.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

function vector(seed: number, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.sin(seed * 31 + i) / 3;
  return v;
}

function makeDocument(scope: RequestScope, collectionId: string, documentId: string, over: Partial<StoredDocument> = {}): StoredDocument {
  const at = '2024-05-01T10:00:00.000Z';
  return {
    documentId,
    organizationInternalId: scope.organization.internalId,
    namespaceId: scope.namespace!.namespaceId,
    collectionId,
    fields: { text: `text of ${documentId}`, metadata: { n: 1 } },
    vectors: { emb: vector(documentId.length, 8) },
    lineage: {
      rootObjectId: 'obj_root1',
      rootBucketId: 'bkt_b1',
      sourceType: 'bucket',
      sourceObjectId: 'obj_root1',
      sourceDocumentId: null,
      sourceCollectionId: null,
      path: `bkt_b1/${collectionId}`,
      chain: [{ collection_id: collectionId, feature_extractor_id: 'text_extractor_v1', document_id: null, timestamp: at }],
    },
    processingTier: 0,
    sourceBlobs: [{ blob_id: 'blob_1', blob_property: 'content', blob_type: 'text' }],
    internalMetadata: { ingestion_status: 'COMPLETED' },
    batchId: 'btch_1',
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

describe(`document storage [${BACKEND}]`, () => {
  let t: TestApp;
  let scope: RequestScope;
  let other: RequestScope;

  before(async () => {
    t = await createTestApp();
    const key = await t.app.metadataStore.apiKeys.findByHash(sha256Hex(t.adminKey));
    const base = await scopeFor(t.app.metadataStore, key!.organizationInternalId);
    scope = withNamespace(base, { namespaceId: uniqueName('ns'), namespaceName: 'docs' });
    other = withNamespace(base, { namespaceId: uniqueName('ns'), namespaceName: 'other' });
  });
  after(async () => t.close());

  test('upsert inserts, overwrites by id keeping created_at, dedupes within a call, and replaces vectors as a whole', async () => {
    const repo = t.app.metadataStore.documents;
    const col = uniqueName('col');
    const first = makeDocument(scope, col, 'doc_a', { vectors: { emb: vector(1, 8), other: vector(2, 4) } });
    assert.deepEqual(await repo.upsertMany(scope, [first, makeDocument(scope, col, 'doc_b')]), { inserted: 2 });
    const stored = await repo.find(scope, col, 'doc_a');
    assert.ok(stored);
    assert.deepEqual(stored.fields, first.fields);
    assert.deepEqual(stored.lineage, first.lineage);
    assert.deepEqual([...stored.vectors.emb!], [...vector(1, 8)]);
    assert.deepEqual([...stored.vectors.other!], [...vector(2, 4)]);

    // A retry of the same write, plus the same id twice in one call: still one row each.
    const later = '2024-06-01T00:00:00.000Z';
    const replaced = makeDocument(scope, col, 'doc_a', { fields: { text: 'new' }, vectors: { emb: vector(9, 8) }, createdAt: later, updatedAt: later });
    assert.deepEqual(await repo.upsertMany(scope, [makeDocument(scope, col, 'doc_a'), replaced]), { inserted: 0 });
    assert.equal(await repo.countInCollection(scope, col), 2);
    const again = await repo.find(scope, col, 'doc_a');
    assert.deepEqual(again!.fields, { text: 'new' });
    assert.equal(again!.createdAt, first.createdAt, 'created_at survives a replace');
    assert.equal(again!.updatedAt, later);
    assert.deepEqual(Object.keys(again!.vectors), ['emb'], 'an index the document no longer has is removed');
    assert.deepEqual([...again!.vectors.emb!], [...vector(9, 8)]);

    // Canonical bytes: little-endian float32, one row per (document, index).
    const raw = await rawVector(t, 'doc_b', 'emb');
    const expected = Buffer.alloc(32);
    vector('doc_b'.length, 8).forEach((x, i) => expected.writeFloatLE(x, i * 4));
    assert.deepEqual(raw, expected);
  });

  test('every read and write stays inside its organization, namespace and collection', async () => {
    const repo = t.app.metadataStore.documents;
    const col = uniqueName('col');
    await repo.upsertMany(scope, [makeDocument(scope, col, 'doc_iso')]);
    assert.equal(await repo.find(other, col, 'doc_iso'), undefined);
    assert.equal(await repo.find(scope, uniqueName('col'), 'doc_iso'), undefined);
    assert.equal(await repo.findInNamespace(other, 'doc_iso'), undefined);
    assert.deepEqual(await repo.listByRootObjects(other, col, ['obj_root1']), []);
    assert.deepEqual(await repo.listByRootObject(other, 'obj_root1', null, 10), []);
    assert.equal(await repo.countInCollection(other, col), 0);
    assert.equal(await repo.deleteAllInCollection(other, col), 0);
    assert.deepEqual(await repo.deleteMany(other, col, ['doc_iso']), []);
    assert.deepEqual(await repo.updateFields(other, col, [{ documentId: 'doc_iso', fields: {} }], new Date().toISOString()), []);
    // The same id written from another namespace never overwrites this one.
    await repo.upsertMany(other, [makeDocument(other, col, 'doc_iso', { fields: { hijacked: true } })]);
    assert.deepEqual((await repo.find(scope, col, 'doc_iso'))!.fields, makeDocument(scope, col, 'doc_iso').fields);
    assert.equal((await repo.listByRootObjects(scope, col, ['obj_root1'])).length, 1);
    assert.equal(await repo.deleteAllInCollection(scope, col), 1);
    assert.equal(await rawVector(t, 'doc_iso', 'emb'), undefined);
  });

  test('upsertMany throughput: 5,000 documents with a 384-d vector each', async () => {
    const repo = t.app.metadataStore.documents;
    const col = uniqueName('col');
    const docs = Array.from({ length: 5000 }, (_, i) => makeDocument(scope, col, `doc_perf_${i}`, { vectors: { emb: vector(i, 384) } }));
    const started = performance.now();
    for (let i = 0; i < docs.length; i += 500) await t.app.metadataStore.transaction((repos) => repos.documents.upsertMany(scope, docs.slice(i, i + 500)));
    const seconds = (performance.now() - started) / 1000;
    console.log(`[${BACKEND}] upsertMany: 5000 docs x 384-d in ${seconds.toFixed(2)} s = ${Math.round(5000 / seconds)} docs/s (chunks of 500, one transaction each)`);
    assert.equal(await repo.countInCollection(scope, col), 5000);
    const sample = await repo.find(scope, col, 'doc_perf_4321');
    assert.deepEqual([...sample!.vectors.emb!], [...vector(4321, 384)]);
    // Reprocessing overwrites: same count.
    const again = performance.now();
    await t.app.metadataStore.transaction((repos) => repos.documents.upsertMany(scope, docs));
    console.log(`[${BACKEND}] upsertMany overwrite: 5000 docs in ${((performance.now() - again) / 1000).toFixed(2)} s`);
    assert.equal(await repo.countInCollection(scope, col), 5000);
    assert.equal(await repo.deleteAllInCollection(scope, col), 5000);
  });
});

async function rawVector(t: TestApp, documentId: string, indexName: string): Promise<Buffer | undefined> {
  // The store's own connection (a private member): the bytes as stored, not as the repository decodes them.
  const db = (t.app.metadataStore as unknown as { db: import('kysely').Kysely<any> }).db;
  const row = await sql<{ vector: Uint8Array }>`select vector from document_vectors where document_id = ${documentId} and index_name = ${indexName}`.execute(db);
  const v = row.rows[0]?.vector;
  return v === undefined ? undefined : Buffer.from(v);
}

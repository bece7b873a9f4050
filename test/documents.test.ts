// Documents through HTTP on real storage (both backends): create with provided vectors (and every
// way a vector can be wrong, nothing stored), get with and without vectors, update rules (vectors
// and system fields never change), list filters/sort/search/select/paging/cursor, batch and bulk
// updates and deletes, aggregation, the documents quota and its credit, counts on the namespace,
// and the cross-tenant sweep over every document route.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TIERS } from '../src/engine/accounts/tiers.ts';
import type { StoredDocument } from '../src/engine/documents/types.ts';
import { withNamespace } from '../src/engine/scope/request-scope.ts';
import { sha256Hex } from '../src/lib/secrets.ts';
import { getOrganization, otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { callIn, documentPlace, testVector, type DocumentPlace } from './helpers/documents.ts';
import { scopedKey } from './helpers/scoped-keys.ts';
import { scopeFor } from './helpers/scopes.ts';
import { assertTenancySweep } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

describe(`documents over HTTP [${BACKEND}]`, () => {
  let t: TestApp;
  let p: DocumentPlace;
  let call: ReturnType<typeof callIn>;
  let base: string;

  const count = async (place = p) => (await callIn(t, place.headers)('POST', `/v1/collections/${place.collectionId}/documents/list?include_total=true`, {})).json().pagination.total as number;
  const create = async (body: Record<string, unknown>, place = p) => {
    const res = await callIn(t, place.headers)('POST', `/v1/collections/${place.collectionId}/documents`, body);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  before(async () => {
    t = await createTestApp();
    // The suite makes several namespaces: more than the free tier's one.
    await upgradeToTeam(t);
    p = await documentPlace(t);
    call = callIn(t, p.headers);
    base = `/v1/collections/${p.collectionId}/documents`;
  });
  after(async () => t.close());

  test('create with a vector: stored float32-exact, returned only with return_vectors; lineage and legacy fields; by collection name too', async () => {
    const v = testVector(1, p.index.dimensions);
    const doc = await create({
      collection_id: p.collectionId,
      title: 'Hello',
      metadata: { kind: 'a', n: 3 },
      root_object_id: 'obj_root123',
      root_bucket_id: p.bucketId,
      source_object_id: 'obj_root123',
      source_blobs: [{ blob_id: 'blob_1', blob_property: 'content', blob_type: 'text' }],
      features: [{ feature_extractor_id: 'text_extractor_v1', payload: { text: 'hello world' }, vectors: { [p.index.name]: v } }],
    });
    assert.match(doc.document_id, /^doc_/);
    assert.equal(doc.collection_id, p.collectionId);
    assert.equal(doc.title, 'Hello');
    assert.equal(doc.text, 'hello world');
    assert.deepEqual(doc.metadata, { kind: 'a', n: 3 });
    assert.equal(doc.root_object_id, 'obj_root123');
    assert.equal(doc.source_object_id, 'obj_root123');
    assert.equal(doc.source_document_id, null);
    assert.equal(doc.lineage_path, `${p.bucketId}/${p.collectionId}`);
    assert.equal(doc.processing_tier, 0);
    assert.deepEqual(doc.source_blobs, [{ blob_id: 'blob_1', blob_property: 'content', blob_type: 'text' }]);
    assert.equal(doc[p.index.name], undefined, 'no vectors unless asked');
    const internal = doc._internal;
    assert.equal(internal.namespace_id, p.namespaceId);
    assert.equal(internal.document_id, doc.document_id);
    assert.deepEqual(internal.lineage.root_object_id, 'obj_root123');
    assert.equal(internal.lineage.source_type, 'bucket');
    assert.equal(internal.lineage.chain.length, 1);
    assert.equal(internal.lineage.chain[0].collection_id, p.collectionId);
    assert.ok(!JSON.stringify(doc).includes((await t.app.metadataStore.apiKeys.findByHash(sha256Hex(t.adminKey)))!.organizationInternalId), 'no internal organization id');

    const plain = (await call('GET', `${base}/${doc.document_id}`)).json();
    assert.equal(plain[p.index.name], undefined);
    const withVectors = await call('GET', `/v1/collections/${p.collectionName}/documents/${doc.document_id}?return_vectors=true`);
    assert.equal(withVectors.statusCode, 200, withVectors.body);
    assert.deepEqual(withVectors.json()[p.index.name], v);
    // The collection_id in the body may be its name as well; another collection's id is a 400.
    await create({ collection_id: p.collectionName });
    assertError(await call('POST', base, { collection_id: 'col_other' }), 400, 'BadRequestError');
  });

  test('a wrong vector, an unknown index, a system field as user field, an unknown source document: 400/422 and nothing stored', async () => {
    const before = await count();
    const ns = async () => (await t.call({ method: 'GET', url: `/v1/namespaces/${p.namespaceId}` })).json().document_count;
    const nsBefore = await ns();
    const dims = p.index.dimensions;
    const bad: [unknown, number][] = [
      [{ [p.index.name]: testVector(1, dims - 1) }, 400],
      [{ [p.index.name]: testVector(1, dims + 1) }, 400],
      [{ not_an_index: testVector(1, dims) }, 400],
      [{ [p.index.name]: [...testVector(1, dims - 1), 'x'] }, 400],
      [{ [p.index.name]: [...testVector(1, dims - 1), 1e39] }, 400],
      [{ [p.index.name]: testVector(1, dims).map((x) => [x]) }, 400],
      [{ indices: [1, 2], values: [0.1, 0.2] }, 400],
      [[1, 2, 3], 422],
    ];
    for (const [vectors, status] of bad) {
      const res = await call('POST', base, { title: 'x', features: [{ feature_extractor_id: 'text_extractor_v1', vectors }] });
      assertError(res, status, status === 400 ? 'BadRequestError' : 'ValidationError');
    }
    // Non-finite: 1e400 is valid JSON that parses to Infinity.
    const raw = `{"features":[{"feature_extractor_id":"text_extractor_v1","vectors":{"${p.index.name}":[1e400${',0'.repeat(dims - 1)}]}}]}`;
    const inf = await t.call({ method: 'POST', url: base, headers: { ...p.headers, 'content-type': 'application/json' }, payload: raw });
    assert.ok(inf.statusCode === 400 || inf.statusCode === 422, inf.body);
    assertError(await call('POST', base, { document_id: 'doc_mine' }), 400, 'BadRequestError');
    assertError(await call('POST', base, { _internal: {} }), 400, 'BadRequestError');
    assertError(await call('POST', base, { source_document_id: 'doc_nope' }), 400, 'BadRequestError');
    assertError(await call('POST', base, { source_type: 'object' }), 422, 'ValidationError');
    assertError(await t.call({ method: 'POST', url: base, payload: {} }), 400, 'BadRequestError');
    assertError(await call('POST', '/v1/collections/col_unknown/documents', {}), 404, 'NotFoundError');
    assert.equal(await count(), before);
    assert.equal(await ns(), nsBefore);
  });

  test('PUT replaces and PATCH merges user fields; vectors and system fields cannot change; a GET → PUT round trip is accepted', async () => {
    const v = testVector(2, p.index.dimensions);
    const doc = await create({ title: 'Before', metadata: { status: 'pending', keep: true }, features: [{ feature_extractor_id: 'text_extractor_v1', vectors: { [p.index.name]: v } }] });
    const url = `${base}/${doc.document_id}`;
    const patched = await call('PATCH', url, { 'metadata.status': 'done', extra: 1 });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(patched.json().metadata, { status: 'done', keep: true });
    assert.equal(patched.json().extra, 1);
    assert.equal(patched.json().title, 'Before');

    const replaced = (await call('PUT', url, { title: 'After' })).json();
    assert.equal(replaced.title, 'After');
    assert.equal(replaced.metadata, undefined);
    assert.equal(replaced.root_object_id, null);

    const current = (await call('GET', `${url}?return_vectors=true`)).json();
    for (const [method, body] of [
      ['PATCH', { [p.index.name]: testVector(3, p.index.dimensions) }],
      ['PUT', { [p.index.name]: testVector(3, p.index.dimensions) }],
      ['PATCH', { document_id: 'doc_other' }],
      ['PATCH', { root_object_id: 'obj_x' }],
      ['PATCH', { lineage_path: 'x' }],
      ['PATCH', { processing_tier: 3 }],
      ['PATCH', { source_blobs: [] + '' }],
      ['PATCH', { '_internal.lineage.root_object_id': 'obj_x' }],
      ['PUT', { _internal: { ...current._internal, namespace_id: 'ns_x' } }],
    ] as const) {
      assertError(await call(method, url, body), 400, 'BadRequestError');
    }
    // Sent back unchanged (vectors included), system fields are ignored; the user fields replace.
    const roundTrip = await call('PUT', url, { ...current, title: 'Round trip' });
    assert.equal(roundTrip.statusCode, 200, roundTrip.body);
    const after = (await call('GET', `${url}?return_vectors=true`)).json();
    assert.equal(after.title, 'Round trip');
    assert.deepEqual(after[p.index.name], v, 'vectors unchanged');
    assert.equal(after._internal.created_at, current._internal.created_at);
    assertError(await call('PATCH', `${base}/doc_missing`, { a: 1 }), 404, 'NotFoundError');
    assertError(await call('PUT', `${base}/doc_missing`, { a: 1 }), 404, 'NotFoundError');
  });

  test('list: filters (user, legacy and _internal paths), sort, search, select, paging with cursor, return_vectors, stats', async () => {
    const place = await documentPlace(t);
    const list = (body: Record<string, unknown>, query = '') => callIn(t, place.headers)('POST', `/v1/collections/${place.collectionId}/documents/list${query}`, body);
    const created = [];
    for (let i = 0; i < 7; i++) {
      created.push(
        await create(
          {
            title: `Item ${i}`,
            metadata: { n: i, kind: i % 2 === 0 ? 'even' : 'odd' },
            root_object_id: i < 3 ? 'obj_first' : 'obj_second',
            source_blobs: i === 0 ? [{ blob_id: 'b', blob_property: 'content', blob_type: 'text' }] : [],
            features: [{ feature_extractor_id: 'text_extractor_v1', vectors: { [place.index.name]: testVector(i, place.index.dimensions) } }],
          },
          place,
        ),
      );
    }
    const ids = (res: { json: () => any }) => res.json().results.map((d: any) => d.document_id);
    const first = await list({ filters: { AND: [{ field: '_internal.lineage.root_object_id', operator: 'eq', value: 'obj_first' }] }, sort: { field: 'metadata.n', direction: 'asc' } });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(ids(first), created.slice(0, 3).map((d) => d.document_id));
    assert.equal(first.json().stats.total_documents, 3);
    assert.equal(first.json().stats.avg_blobs_per_document, 1 / 3);
    assert.deepEqual(ids(await list({ filters: { root_object_id: 'obj_second', 'metadata.kind': 'even' }, sort: { field: 'metadata.n', direction: 'desc' } })), [created[6], created[4]].map((d) => d.document_id));
    assert.deepEqual(ids(await list({ filters: { OR: [{ field: 'metadata.n', operator: 'gte', value: 5 }, { field: 'title', operator: 'eq', value: 'item 0' }] }, sort: { field: 'metadata.n' } })), [created[0], created[5], created[6]].map((d) => d.document_id));
    assert.deepEqual(ids(await list({ search: 'Item 4' })), [created[4].document_id]);
    // Default order: newest first.
    assert.deepEqual(ids(await list({}, '?limit=2')), [created[6], created[5]].map((d) => d.document_id));

    // Paging: limit/offset and the cursor walk the same order without overlap.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list({ sort: { field: 'metadata.n', direction: 'asc' }, ...(cursor ? { cursor } : {}) }, '?limit=3&include_total=true');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.pagination.total, 7);
      walked.push(...ids(res));
      cursor = body.pagination.next_cursor;
    } while (cursor);
    assert.deepEqual(walked, created.map((d) => d.document_id));
    assert.deepEqual(ids(await list({ sort: { field: 'metadata.n' } }, '?limit=2&offset=4')), [created[4], created[5]].map((d) => d.document_id));

    const selected = (await list({ select: ['title', 'metadata.n'], sort: { field: 'metadata.n' } }, '?limit=1')).json().results[0];
    assert.deepEqual(selected, { document_id: created[0].document_id, collection_id: place.collectionId, title: 'Item 0', metadata: { n: 0 } });
    const vectors = (await list({ return_vectors: true, sort: { field: 'metadata.n' } }, '?limit=2')).json().results;
    assert.deepEqual(vectors[1][place.index.name], testVector(1, place.index.dimensions));
    assert.equal((await list({}, '?limit=1')).json().results[0][place.index.name], undefined);

    assertError(await list({ filters: { AND: [{ field: 'metadata.n', operator: 'nope', value: 1 }] } }), 400, 'BadRequestError');
    assertError(await list({ cursor: 'garbage' }), 400, 'BadRequestError');
    assertError(await list({ group_by: 'metadata.kind' }), 400, 'BadRequestError');
    assertError(await list({ sort: 'metadata.n' }), 422, 'ValidationError');
    assertError(await list({}, '?limit=0'), 422, 'ValidationError');

    // Aggregation over the same documents (SPEC §13.4).
    const agg = await callIn(t, place.headers)('POST', `/v1/collections/${place.collectionId}/documents/aggregate`, {
      group_by: [{ field: 'metadata.kind' }],
      aggregations: [
        { function: 'count', alias: 'docs' },
        { function: 'sum', field: 'metadata.n', alias: 'total' },
      ],
      filters: { 'metadata.n': { $gte: 1 } },
      sort_by: 'total',
      sort_direction: 'desc',
    });
    assert.equal(agg.statusCode, 200, agg.body);
    assert.deepEqual(agg.json().results, [
      { group: { 'metadata.kind': 'even' }, metrics: { docs: 3, total: 12 } },
      { group: { 'metadata.kind': 'odd' }, metrics: { docs: 3, total: 9 } },
    ]);
    assert.equal(agg.json().total_groups, 2);
    const byRoot = await callIn(t, place.headers)('POST', `/v1/collections/${place.collectionId}/documents/aggregate`, { group_by: [{ field: '_internal.lineage.root_object_id', alias: 'root' }], aggregations: [{ function: 'count', alias: 'n' }], sort_by: 'n', sort_direction: 'asc' });
    assert.deepEqual(byRoot.json().results.map((r: any) => [r.group.root, r.metrics.n]), [['obj_first', 3], ['obj_second', 4]]);
    assertError(await callIn(t, place.headers)('POST', `/v1/collections/${place.collectionId}/documents/aggregate`, { group_by: [], aggregations: [] }), 422, 'ValidationError');
  });

  test('batch update (ids XOR filters), bulk update, batch delete (ids XOR filters), single delete; refused bodies change nothing', async () => {
    const place = await documentPlace(t);
    const c = callIn(t, place.headers);
    const url = `/v1/collections/${place.collectionId}/documents`;
    const docs = [];
    for (let i = 0; i < 5; i++) docs.push(await create({ metadata: { n: i, status: 'pending' }, features: [{ feature_extractor_id: 'text_extractor_v1', vectors: { [place.index.name]: testVector(i, place.index.dimensions) } }] }, place));
    const get = async (id: string) => (await c('GET', `${url}/${id}`)).json();
    const snapshot = async () => (await c('POST', `${url}/list`, { sort: { field: 'metadata.n' } }, undefined)).json().results;

    const before = await snapshot();
    for (const body of [
      {},
      { updates: [{ document_id: docs[0].document_id, update_data: { a: 1 } }], filters: { 'metadata.n': 1 }, update_data: { a: 1 } },
      { filters: { 'metadata.n': 1 } },
      { update_data: { a: 1 } },
      { updates: [{ document_id: docs[0].document_id, update_data: { ok: 1 } }, { document_id: docs[1].document_id, update_data: { [place.index.name]: [1] } }] },
      { updates: [{ document_id: docs[0].document_id, update_data: { document_id: 'doc_x' } }] },
      { filters: { 'metadata.n': 1 }, update_data: { processing_tier: 2 } },
    ]) {
      const res = await c('POST', `${url}/batch`, body);
      assert.ok(res.statusCode === 400 || res.statusCode === 422, `${JSON.stringify(body)} → ${res.statusCode} ${res.body}`);
    }
    assertError(await c('POST', `${url}/batch`, { updates: Array.from({ length: 1001 }, () => ({ document_id: 'doc_x', update_data: { a: 1 } })) }), 422, 'ValidationError');
    assert.deepEqual(await snapshot(), before, 'refused batch updates change nothing');

    const batch = await c('POST', `${url}/batch`, {
      updates: [
        { document_id: docs[0].document_id, update_data: { 'metadata.status': 'done' } },
        { document_id: 'doc_missing', update_data: { x: 1 } },
        { document_id: docs[1].document_id, update_data: { reviewed: true } },
      ],
    });
    assert.equal(batch.statusCode, 200, batch.body);
    assert.deepEqual(batch.json().results, [
      { document_id: docs[0].document_id, success: true, error: null },
      { document_id: 'doc_missing', success: false, error: 'Document not found' },
      { document_id: docs[1].document_id, success: true, error: null },
    ]);
    assert.deepEqual([batch.json().updated_count, batch.json().failed_count], [2, 1]);
    assert.deepEqual((await get(docs[0].document_id)).metadata, { n: 0, status: 'done' });
    assert.equal((await get(docs[1].document_id)).reviewed, true);

    const byFilter = await c('POST', `${url}/batch`, { filters: { AND: [{ field: 'metadata.n', operator: 'gte', value: 3 }] }, update_data: { 'metadata.status': 'late' } });
    assert.deepEqual([byFilter.statusCode, byFilter.json().updated_count, byFilter.json().results], [200, 2, []]);
    assert.equal((await get(docs[4].document_id)).metadata.status, 'late');

    const qdrant = await c('PATCH', `${url}/bulk`, { filters: { must: [{ key: 'metadata.status', match: { value: 'late' } }] }, update_data: { flagged: true } });
    assert.deepEqual([qdrant.statusCode, qdrant.json().updated_count], [200, 2]);
    const all = await c('PATCH', `${url}/bulk`, { update_data: { 'metadata.batch': 'x' } });
    assert.deepEqual([all.statusCode, all.json().updated_count], [200, 5]);
    assertError(await c('PATCH', `${url}/bulk`, { update_data: {} }), 400, 'BadRequestError');
    assertError(await c('PATCH', `${url}/bulk`, { update_data: { [place.index.name]: [] } }), 400, 'BadRequestError');
    assertError(await c('PATCH', `${url}/bulk`, { filters: { 'metadata.n': 1 } }), 422, 'ValidationError');
    const withVectors = (await c('GET', `${url}/${docs[3].document_id}?return_vectors=true`)).json();
    assert.deepEqual(withVectors[place.index.name], testVector(3, place.index.dimensions), 'vectors survive updates');
    assert.equal(withVectors.metadata.batch, 'x');

    const afterUpdates = await snapshot();
    for (const body of [{}, { document_ids: [docs[0].document_id], filters: { 'metadata.n': 0 } }, { filters: {} }, { document_ids: [] }]) {
      const res = await c('DELETE', `${url}/batch`, body);
      assert.ok(res.statusCode === 400 || res.statusCode === 422, `${JSON.stringify(body)} → ${res.statusCode} ${res.body}`);
    }
    assert.deepEqual(await snapshot(), afterUpdates);
    const delIds = await c('DELETE', `${url}/batch`, { document_ids: [docs[0].document_id, 'doc_missing'] });
    assert.equal(delIds.statusCode, 200, delIds.body);
    assert.deepEqual([delIds.json().deleted_count, delIds.json().failed_count], [1, 1]);
    assert.deepEqual(delIds.json().results[1], { document_id: 'doc_missing', success: false, error: 'Document not found' });
    const delFilter = await c('DELETE', `${url}/batch`, { filters: { flagged: true } });
    assert.deepEqual([delFilter.statusCode, delFilter.json().deleted_count], [200, 2]);
    const single = await c('DELETE', `${url}/${docs[1].document_id}`);
    assert.deepEqual([single.statusCode, single.json().success], [200, true]);
    assertError(await c('DELETE', `${url}/${docs[1].document_id}`), 404, 'NotFoundError');
    assertError(await c('GET', `${url}/${docs[1].document_id}`), 404, 'NotFoundError');
    assert.deepEqual((await snapshot()).map((d: any) => d.document_id), [docs[2].document_id]);
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${place.namespaceId}` })).json().document_count, 1);
  });

  test('documents quota (per tier) and the creation credit: the last slot is taken, the next create is a 403 and stores nothing', async () => {
    const other = await otherOrganization(t);
    const place = await documentPlace(t, other.apiKey);
    const c = callIn(t, place.headers);
    const url = `/v1/collections/${place.collectionId}/documents`;
    const org = await getOrganization(t, other.apiKey);
    const limit = TIERS[org.account_type as keyof typeof TIERS].quotas.documents!;
    // Fill the organization up to one below its quota straight through the repository (thousands
    // of HTTP creates would only slow the suite), then take the last slot through HTTP.
    const key = await t.app.metadataStore.apiKeys.findByHash(sha256Hex(other.apiKey));
    const scope = withNamespace(await scopeFor(t.app.metadataStore, key!.organizationInternalId), { namespaceId: place.namespaceId, namespaceName: place.namespaceName });
    const at = new Date().toISOString();
    const filler: StoredDocument[] = Array.from({ length: limit - 1 }, (_, i) => ({
      documentId: `doc_fill_${uniqueName('x')}_${i}`,
      organizationInternalId: key!.organizationInternalId,
      namespaceId: place.namespaceId,
      collectionId: place.collectionId,
      fields: {},
      vectors: {},
      lineage: { rootObjectId: null, rootBucketId: null, sourceType: 'bucket', sourceObjectId: null, sourceDocumentId: null, sourceCollectionId: null, path: place.collectionId, chain: [] },
      processingTier: 0,
      sourceBlobs: [],
      internalMetadata: {},
      batchId: null,
      createdAt: at,
      updatedAt: at,
    }));
    await t.app.metadataStore.transaction((repos) => repos.documents.upsertMany(scope, filler));
    const credits = (await getOrganization(t, other.apiKey)).credit_count;
    const last = await c('POST', url, { title: 'last' }, other.apiKey);
    assert.equal(last.statusCode, 200, last.body);
    assert.equal((await getOrganization(t, other.apiKey)).credit_count, credits - 1, 'creating a document costs 1 credit');
    const refused = assertError(await c('POST', url, { title: 'one too many' }, other.apiKey), 403, 'QuotaExceededError');
    assert.deepEqual([refused.error.details.resource, refused.error.details.limit], ['documents', limit]);
    assert.equal((await getOrganization(t, other.apiKey)).credit_count, credits - 1, 'a refused create is refunded');
    assert.equal((await c('POST', `${url}/list?include_total=true`, {}, other.apiKey)).json().pagination.total, limit);
  });

  test('tenancy: another organization and another namespace get 404 on every document route; a key scoped to another namespace is refused', async () => {
    const doc = await create({ title: 'Mine', metadata: { n: 1 } });
    const url = `/v1/collections/${p.collectionId}/documents`;
    const byName = `/v1/collections/${p.collectionName}/documents`;
    const requests = [url, byName].flatMap((u) => [
      { method: 'POST' as const, url: u, payload: { title: 'x' } },
      { method: 'GET' as const, url: `${u}/${doc.document_id}?return_vectors=true` },
      { method: 'PUT' as const, url: `${u}/${doc.document_id}`, payload: { title: 'x' } },
      { method: 'PATCH' as const, url: `${u}/${doc.document_id}`, payload: { title: 'x' } },
      { method: 'DELETE' as const, url: `${u}/${doc.document_id}` },
      { method: 'POST' as const, url: `${u}/list`, payload: {} },
      { method: 'POST' as const, url: `${u}/batch`, payload: { updates: [{ document_id: doc.document_id, update_data: { title: 'x' } }] } },
      { method: 'PATCH' as const, url: `${u}/bulk`, payload: { update_data: { title: 'x' } } },
      { method: 'DELETE' as const, url: `${u}/batch`, payload: { document_ids: [doc.document_id] } },
      { method: 'POST' as const, url: `${u}/aggregate`, payload: { group_by: [{ field: 'title' }], aggregations: [{ function: 'count', alias: 'n' }] } },
    ]);
    const other = await otherOrganization(t);
    const otherNsRes = await t.call({ method: 'POST', url: '/v1/namespaces', key: other.apiKey, payload: { namespace_name: uniqueName('ns'), feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] } });
    assert.equal(otherNsRes.statusCode, 200, otherNsRes.body);
    const otherNs = otherNsRes.json();
    const siblingRes = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] } });
    assert.equal(siblingRes.statusCode, 200, siblingRes.body);
    const sibling = siblingRes.json();
    await assertTenancySweep(t, {
      requests,
      outsiders: [
        { label: 'other organization, its own namespace', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id } },
        { label: 'other organization naming ours', key: other.apiKey, headers: { 'x-namespace': p.namespaceId } },
        { label: 'another namespace of ours', headers: { 'x-namespace': sibling.namespace_id } },
      ],
      snapshot: async () => (await call('GET', `${url}/${doc.document_id}?return_vectors=true`)).json(),
    });
    const scoped = await scopedKey(t, [{ resource_type: 'namespace', resource_id: sibling.namespace_id }]);
    for (const r of requests) {
      const res = await t.call({ method: r.method, url: r.url, headers: p.headers, key: scoped, ...(r.payload ? { payload: r.payload } : {}) });
      assert.ok(res.statusCode === 403 || res.statusCode === 404, `${r.method} ${r.url} → ${res.statusCode}`);
    }
    assert.equal((await call('GET', `${url}/${doc.document_id}`)).json().title, 'Mine');
  });
});

// The processing routes (collections, documents, lineage) under hostile input, through HTTP on
// real storage (both backends): names of Object.prototype members as fields, extractor inputs and
// parameters; JSON nested past the depth bound; and a diamond-shaped DAG of collections, whose
// decomposition tree would grow exponentially without a bound. Never a 500, never unbounded work.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_TREE_ENTRIES } from '../src/engine/documents/document-lineage.ts';
import { upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { callIn, documentPlace, type DocumentPlace } from './helpers/documents.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

type Json = Record<string, any>;
const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe(`processing routes under hostile input [${BACKEND}]`, () => {
  let t: TestApp;
  let p: DocumentPlace;
  let call: ReturnType<typeof callIn>;
  let base: string;

  before(async () => {
    t = await createTestApp();
    // The diamond DAG below needs more collections than the free tier's five.
    await upgradeToTeam(t);
    p = await documentPlace(t);
    call = callIn(t, p.headers);
    base = `/v1/collections/${p.collectionId}/documents`;
  });
  after(async () => t.close());

  test('a field named after an Object.prototype member is a user field in filters, sorts and aggregation filters (documents, collections, objects): never a 500', async () => {
    const doc = (await call('POST', base, { title: 'proto', constructor: 'yes' })).json();
    for (const name of PROTOTYPE_NAMES) {
      const listed = await call('POST', `${base}/list`, { filters: { [name]: 'yes' } });
      assert.equal(listed.statusCode, 200, `documents filter on ${name}: ${listed.body}`);
      assert.deepEqual(
        listed.json().results.map((d: Json) => d.document_id),
        name === 'constructor' ? [doc.document_id] : [],
      );
      const sorted = await call('POST', `${base}/list`, { sort: { field: name, direction: 'asc' } });
      assert.equal(sorted.statusCode, 200, `documents sort on ${name}: ${sorted.body}`);
      const collections = await call('POST', '/v1/collections/list', { filters: { [name]: 'x' } });
      assert.ok(collections.statusCode === 200 || collections.statusCode === 400, `collections filter on ${name}: ${collections.body}`);
      const objects = await call('POST', `/v1/buckets/${p.bucketId}/objects/list`, { filters: { [name]: 'x' } });
      assert.equal(objects.statusCode, 200, `objects filter on ${name}: ${objects.body}`);
      // As an operator it is unknown: a 400 naming it.
      assertError(await call('POST', `${base}/list`, { filters: { title: { [name]: 1 } } }), 400, 'BadRequestError');
      const aggregated = await call('POST', `${base}/aggregate`, {
        filters: { title: { [name]: 1 } },
        group_by: [{ field: 'title' }],
        aggregations: [{ function: 'count', alias: 'n' }],
      });
      assert.ok(aggregated.statusCode === 200 || aggregated.statusCode === 400, `aggregate filter operator ${name}: ${aggregated.body}`);
    }
  });

  test('collection create: input_mappings, parameters and field_passthrough naming Object.prototype members are 400s, nothing stored', async () => {
    const count = async () => (await t.call({ method: 'GET', url: `/v1/namespaces/${p.namespaceId}` })).json().collection_count as number;
    const before = await count();
    const create = (fe: Json) =>
      call('POST', '/v1/collections', {
        collection_name: uniqueName('col'),
        source: { type: 'bucket', bucket_ids: [p.bucketId] },
        feature_extractor: { feature_extractor_name: 'text_extractor', version: 'v1', input_mappings: { text: 'content' }, ...fe },
      });
    for (const name of PROTOTYPE_NAMES) {
      assertError(await create({ input_mappings: { text: 'content', [name]: 'content' } }), 400, 'BadRequestError');
      assertError(await create({ input_mappings: { text: name } }), 400, 'BadRequestError');
      assertError(await create({ input_mappings: [{ input_key: 'text', path: `payload.${name}` }] }), 400, 'BadRequestError');
      assertError(await create({ field_passthrough: [name] }), 400, 'BadRequestError');
      assertError(await create({ field_passthrough: [{ source_path: name, target_path: 'copied' }] }), 400, 'BadRequestError');
      // Unknown parameters are dropped (Mixpeek's quickstart sends some): never kept, never a crash.
      const res = await create({ parameters: { [name]: 'x' } });
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(!Object.hasOwn(res.json().feature_extractor.parameters, name), `parameters.${name} is not an extractor parameter`);
      assert.equal((await call('DELETE', `/v1/collections/${res.json().collection_id}`)).statusCode, 200);
    }
    assert.equal(await count(), before);
  });

  test('document bodies nested past the JSON depth bound (create, PUT, PATCH) are a 422; nothing stored or changed', async () => {
    const doc = (await call('POST', base, { title: 'shallow' })).json();
    const total = async () => (await call('POST', `${base}/list?include_total=true`, {})).json().pagination.total as number;
    const before = await total();
    const deep = (levels: number) => `{"title":"deep","x":${'['.repeat(levels)}1${']'.repeat(levels)}}`;
    const raw = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: string) =>
      t.call({ method, url, headers: { ...p.headers, 'content-type': 'application/json' }, payload });
    for (const levels of [40, 20_000]) {
      assertError(await raw('POST', base, deep(levels)), 422, 'ValidationError');
      assertError(await raw('PUT', `${base}/${doc.document_id}`, deep(levels)), 422, 'ValidationError');
      assertError(await raw('PATCH', `${base}/${doc.document_id}`, deep(levels)), 422, 'ValidationError');
    }
    assert.equal(await total(), before);
    const after = (await call('GET', `${base}/${doc.document_id}`)).json();
    assert.equal(after.title, 'shallow');
    assert.equal(after.x, undefined);
    // Nesting within the bound is still a user field like any other.
    const nested = await raw('POST', base, deep(20));
    assert.equal(nested.statusCode, 200, nested.body);
  });

  test('a document whose user fields pass 1 MiB of JSON is a 400 on create, PUT and PATCH; nothing stored or changed', async () => {
    const doc = (await call('POST', base, { title: 'small' })).json();
    const total = async () => (await call('POST', `${base}/list?include_total=true`, {})).json().pagination.total as number;
    const before = await total();
    const big = 'x'.repeat(1024 * 1024 + 10);
    assertError(await call('POST', base, { title: 'big', body: big }), 400, 'BadRequestError');
    assertError(await call('PUT', `${base}/${doc.document_id}`, { title: 'big', body: big }), 400, 'BadRequestError');
    assertError(await call('PATCH', `${base}/${doc.document_id}`, { body: big }), 400, 'BadRequestError');
    assert.equal(await total(), before);
    const after = (await call('GET', `${base}/${doc.document_id}`)).json();
    assert.deepEqual([after.title, after.body], ['small', undefined]);
    const fits = await call('POST', base, { title: 'fits', body: 'y'.repeat(512 * 1024) });
    assert.equal(fits.statusCode, 200, fits.body);
  });

  test('the decomposition tree of a diamond-shaped DAG of collections is bounded (nodes and listed ids), and says it was cut', async () => {
    // Tier 0: the place's collection; then layers of two collections, each reading both of the
    // layer above. Paths double with each layer: 2^15 leaves would be expanded without a bound.
    const headers = p.headers;
    let layer = [p.collectionId];
    const all = [p.collectionId];
    for (let depth = 0; depth < 15; depth++) {
      const next: string[] = [];
      for (let k = 0; k < 2; k++) {
        const res = await call('POST', '/v1/collections', {
          collection_name: uniqueName('diamond'),
          source: { type: 'collection', collection_ids: layer },
          feature_extractor: { feature_extractor_name: 'passthrough_extractor', version: 'v1' },
        });
        assert.equal(res.statusCode, 200, res.body);
        next.push(res.json().collection_id);
      }
      layer = next;
      all.push(...next);
    }
    const objectId = 'obj_diamond1';
    for (const collectionId of all) {
      const res = await callIn(t, headers)('POST', `/v1/collections/${collectionId}/documents`, { title: 'd', root_object_id: objectId, root_bucket_id: p.bucketId });
      assert.equal(res.statusCode, 200, res.body);
    }
    const entries = (nodes: Json[]): number => nodes.reduce((n, node) => n + 1 + (node.document_ids?.length ?? 0) + entries(node.children), 0);
    for (const includeIds of [false, true]) {
      const res = await t.call({ method: 'GET', url: `/v1/objects/${objectId}/decomposition-tree?include_document_ids=${includeIds}`, headers });
      assert.equal(res.statusCode, 200, res.body.slice(0, 500));
      const tree = res.json();
      assert.equal(tree.total_documents, all.length);
      assert.ok(entries(tree.tree) <= MAX_TREE_ENTRIES, `${entries(tree.tree)} entries (nodes and ids) with include_document_ids=${includeIds}`);
      assert.equal(tree.truncated, true);
      assert.equal(tree.tree[0].collection_id, p.collectionId);
    }
    // A tree within the bound is whole and says so.
    const q = await documentPlace(t);
    const small = 'obj_small1';
    assert.equal((await callIn(t, q.headers)('POST', `/v1/collections/${q.collectionId}/documents`, { title: 's', root_object_id: small, root_bucket_id: q.bucketId })).statusCode, 200);
    const whole = (await t.call({ method: 'GET', url: `/v1/objects/${small}/decomposition-tree?include_document_ids=true`, headers: q.headers })).json();
    assert.equal(whole.truncated, false);
    assert.equal(whole.tree[0].document_count, 1);
  });
});

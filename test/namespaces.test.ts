import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { scopedKey } from './helpers/scoped-keys.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const TEXT = [{ feature_extractor_name: 'text_extractor', version: 'v1' }];

async function createNamespace(t: TestApp, body: Record<string, unknown>, key?: string) {
  return t.call({ method: 'POST', url: '/v1/namespaces', payload: { feature_extractors: TEXT, ...body }, ...(key ? { key } : {}) });
}

describe(`namespaces [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('create (200) returns NamespaceModel; GET by id and by name agree; names are unique (409)', async () => {
    const name = uniqueName('space');
    const res = await createNamespace(t, {
      namespace_name: name,
      description: 'songs',
      feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1', params: { model: 'small' } }],
      payload_indexes: [{ field_name: 'metadata.title', type: 'text' }],
    });
    assert.equal(res.statusCode, 200, res.body);
    const ns = res.json();
    assert.match(ns.namespace_id, /^ns_[a-z0-9]{20}$/);
    assert.equal(ns.namespace_name, name);
    // The requested params are kept; the model the namespace locked at creation is added (test/extractors.test.ts covers locking).
    const locked = { embedding: { model: 'tessera_lexical_v1', dimensions: 384, outputName: 'tessera_lexical_v1', inferenceServiceId: null } };
    assert.deepEqual(ns.feature_extractors, [{ feature_extractor_name: 'text_extractor', version: 'v1', params: { model: 'small', locked_models: locked }, feature_extractor_id: 'text_extractor_v1' }]);
    assert.deepEqual(ns.payload_indexes, [{ field_name: 'metadata.title', type: 'text', field_schema: null, is_protected: false }]);
    assert.equal(ns.bucket_count, 0);
    assert.equal(ns.expires_at, null);
    const byId = await t.call({ method: 'GET', url: `/v1/namespaces/${ns.namespace_id}` });
    const byName = await t.call({ method: 'GET', url: `/v1/namespaces/${name}` });
    assert.equal(byId.statusCode, 200);
    assert.deepEqual(byId.json(), byName.json());
    assertError(await createNamespace(t, { namespace_name: name }), 409, 'AlreadyExistsError');
  });

  test('bad input: no extractors (422), protected index (400), id-like name (400), bad ttl (422); nothing stored', async () => {
    const name = uniqueName('space');
    assertError(await createNamespace(t, { namespace_name: name, feature_extractors: [] }), 422, 'ValidationError');
    assertError(await createNamespace(t, { namespace_name: name, payload_indexes: [{ field_name: 'namespace_id', type: 'keyword' }] }), 400, 'BadRequestError');
    assertError(await createNamespace(t, { namespace_name: 'ns_abcdefghij0123456789' }), 400, 'BadRequestError');
    assertError(await createNamespace(t, { namespace_name: name, ttl_seconds: 5 }), 422, 'ValidationError');
    assertError(await t.call({ method: 'GET', url: `/v1/namespaces/${name}` }), 404, 'NotFoundError');
  });

  test('PUT and PATCH change only what they name; ttl_seconds shows expires_at', async () => {
    const ns = (await createNamespace(t, { namespace_name: uniqueName('space'), ttl_seconds: 3600, description: 'd' })).json();
    assert.ok(ns.expires_at);
    const renamed = uniqueName('renamed');
    const put = await t.call({ method: 'PUT', url: `/v1/namespaces/${ns.namespace_id}`, payload: { namespace_name: renamed } });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().namespace_name, renamed);
    assert.equal(put.json().description, 'd');
    const patch = await t.call({ method: 'PATCH', url: `/v1/namespaces/${renamed}`, payload: { description: 'new', auto_create_indexes: true } });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.equal(patch.json().description, 'new');
    assert.equal(patch.json().auto_create_indexes, true);
    assert.equal(patch.json().namespace_name, renamed);
  });

  test('list: search, filters, sort, paging with totals', async () => {
    const tag = uniqueName('lst');
    for (const n of ['a', 'b', 'c']) await createNamespace(t, { namespace_name: `${tag}_${n}` });
    const res = await t.call({ method: 'POST', url: '/v1/namespaces/list?limit=2&include_total=true', payload: { search: tag.toUpperCase(), sort: { field: 'namespace_name', direction: 'desc' } } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body.results.map((r: any) => r.namespace_name), [`${tag}_c`, `${tag}_b`]);
    assert.equal(body.total_count, 3);
    assert.equal(body.pagination.total, 3);
    assert.equal(body.pagination.next_page, '2');
    const filtered = await t.call({ method: 'POST', url: '/v1/namespaces/list', payload: { filters: { namespace_name: `${tag}_a` } } });
    assert.deepEqual(filtered.json().results.map((r: any) => r.namespace_name), [`${tag}_a`]);
  });

  test('another organization sees 404 by id and by name, and its list does not show ours', async () => {
    const name = uniqueName('space');
    const ns = (await createNamespace(t, { namespace_name: name })).json();
    const other = await otherOrganization(t);
    for (const id of [ns.namespace_id, name]) {
      assertError(await t.call({ method: 'GET', url: `/v1/namespaces/${id}`, key: other.apiKey }), 404, 'NotFoundError');
      assertError(await t.call({ method: 'PATCH', url: `/v1/namespaces/${id}`, payload: { description: 'x' }, key: other.apiKey }), 404, 'NotFoundError');
      assertError(await t.call({ method: 'DELETE', url: `/v1/namespaces/${id}`, key: other.apiKey }), 404, 'NotFoundError');
    }
    const list = await t.call({ method: 'POST', url: '/v1/namespaces/list', payload: {}, key: other.apiKey });
    assert.equal(list.json().results.some((r: any) => r.namespace_id === ns.namespace_id), false);
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${ns.namespace_id}` })).json().description, null);
  });

  test('a namespace-scoped key sees and lists only its namespace', async () => {
    const mine = (await createNamespace(t, { namespace_name: uniqueName('space') })).json();
    const theirs = (await createNamespace(t, { namespace_name: uniqueName('space') })).json();
    const key = await scopedKey(t, [{ resource_type: 'namespace', resource_id: mine.namespace_id }]);
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${mine.namespace_name}`, key })).statusCode, 200);
    assertError(await t.call({ method: 'GET', url: `/v1/namespaces/${theirs.namespace_id}`, key }), 403, 'ForbiddenError');
    assertError(await createNamespace(t, { namespace_name: uniqueName('space') }, key), 403, 'ForbiddenError');
    const list = await t.call({ method: 'POST', url: '/v1/namespaces/list', payload: {}, key });
    assert.deepEqual(list.json().results.map((r: any) => r.namespace_id), [mine.namespace_id]);
  });

  test('a key scoped by an id prefix ("ns_…*", with its underscore) lists what the prefix covers, on both backends', async () => {
    const mine = (await createNamespace(t, { namespace_name: uniqueName('space') })).json();
    const prefix = `${mine.namespace_id.slice(0, -1)}*`;
    const key = await scopedKey(t, [{ resource_type: 'namespace', resource_id: prefix }]);
    const bucket = await t.call({ method: 'POST', url: '/v1/buckets', headers: { 'x-namespace': mine.namespace_id }, payload: { bucket_name: 'b', bucket_schema: { properties: { title: { type: 'string' } } } } });
    assert.equal(bucket.statusCode, 200, bucket.body);
    const namespaces = await t.call({ method: 'POST', url: '/v1/namespaces/list', payload: {}, key });
    assert.deepEqual(namespaces.json().results.map((r: any) => r.namespace_id), [mine.namespace_id]);
    const buckets = await t.call({ method: 'POST', url: '/v1/buckets/list', payload: {}, key });
    assert.deepEqual(buckets.json().results.map((r: any) => r.bucket_id), [bucket.json().bucket_id]);
  });
});

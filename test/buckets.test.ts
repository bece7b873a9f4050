import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { scopedKey } from './helpers/scoped-keys.ts';
import { assertTenancySweep } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const TEXT = [{ feature_extractor_name: 'text_extractor', version: 'v1' }];
const SCHEMA = { properties: { title: { type: 'string', required: true }, sku: { type: 'STRING' }, content: { type: 'Text' } } };

async function namespace(t: TestApp, key?: string): Promise<{ namespace_id: string; namespace_name: string }> {
  const res = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: TEXT }, ...(key ? { key } : {}) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe(`buckets [${BACKEND}]`, () => {
  let t: TestApp;
  let ns: { namespace_id: string; namespace_name: string };
  const h = () => ({ 'x-namespace': ns.namespace_id });
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
    ns = await namespace(t);
  });
  after(() => t.close());

  test('create returns BucketResponse; schema alias and type case normalised; GET by id (no header) and by name agree', async () => {
    const name = uniqueName('b');
    const res = await t.call({ method: 'POST', url: '/v1/buckets', headers: h(), payload: { bucket_name: name, schema: SCHEMA, unique_key: { fields: ['sku'], default_policy: 'UPSERT' }, metadata: { team: 'a' } } });
    assert.equal(res.statusCode, 200, res.body);
    const b = res.json();
    assert.match(b.bucket_id, /^bkt_[a-z0-9]{20}$/);
    assert.equal(b.namespace_id, ns.namespace_id);
    assert.equal(b.bucket_schema.properties.sku.type, 'string');
    assert.equal(b.bucket_schema.properties.content.type, 'text');
    assert.equal(b.bucket_schema.properties.title.required, true);
    assert.deepEqual(b.unique_key, { fields: ['sku'], default_policy: 'upsert' });
    assert.equal(b.object_count, 0);
    assert.equal(b.total_size_bytes, 0);
    assert.equal(b.status, 'ACTIVE');
    assert.equal(b.is_locked, false);
    assert.equal(b.last_upload_at, null);
    assert.deepEqual(b.batch_stats, { total: 0, active: 0, completed: 0, failed: 0 });
    assert.deepEqual(b.storage_stats, { total_size_bytes: 0, avg_size_bytes: 0, max_size_bytes: 0, min_size_bytes: 0 });
    const byId = await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}` });
    assert.equal(byId.statusCode, 200, byId.body);
    const byName = await t.call({ method: 'GET', url: `/v1/buckets/${name}`, headers: { 'x-namespace': ns.namespace_name } });
    assert.deepEqual(byId.json(), byName.json());
    assertError(await t.call({ method: 'POST', url: '/v1/buckets', headers: h(), payload: { bucket_name: name, bucket_schema: SCHEMA } }), 409, 'AlreadyExistsError');
  });

  test('X-Namespace rules: create and by-name need it (400); bad schema 400; nothing stored', async () => {
    const name = uniqueName('b');
    const noHeader = assertError(await t.call({ method: 'POST', url: '/v1/buckets', payload: { bucket_name: name, bucket_schema: SCHEMA } }), 400, 'BadRequestError');
    assert.match(noHeader.error.message, /X-Namespace/);
    assert.match(assertError(await t.call({ method: 'GET', url: `/v1/buckets/${name}` }), 400, 'BadRequestError').error.message, /X-Namespace/);
    assertError(await t.call({ method: 'POST', url: '/v1/buckets', headers: h(), payload: { bucket_name: name } }), 400, 'BadRequestError');
    assertError(await t.call({ method: 'POST', url: '/v1/buckets', headers: h(), payload: { bucket_name: name, bucket_schema: { properties: { x: { type: 'nope' } } } } }), 400, 'BadRequestError');
    assertError(await t.call({ method: 'POST', url: '/v1/buckets', headers: h(), payload: { bucket_name: name, bucket_schema: SCHEMA, unique_key: { fields: ['content'] } } }), 400, 'BadRequestError');
    assertError(await t.call({ method: 'GET', url: `/v1/buckets/${name}`, headers: h() }), 404, 'NotFoundError');
  });

  test('PUT and PATCH change name/description/metadata only; unique_key cannot change', async () => {
    const b = (await t.call({ method: 'POST', url: '/v1/buckets', headers: h(), payload: { bucket_name: uniqueName('b'), bucket_schema: SCHEMA, description: 'd' } })).json();
    const renamed = uniqueName('renamed');
    const put = await t.call({ method: 'PUT', url: `/v1/buckets/${b.bucket_id}`, payload: { bucket_name: renamed } });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().bucket_name, renamed);
    assert.equal(put.json().description, 'd');
    const patch = await t.call({ method: 'PATCH', url: `/v1/buckets/${renamed}`, headers: h(), payload: { metadata: { a: 1 } } });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.deepEqual(patch.json().metadata, { a: 1 });
    // unique_key is not an editable field: it is ignored (as unknown body fields are) and stays as created.
    const ignored = await t.call({ method: 'PATCH', url: `/v1/buckets/${b.bucket_id}`, payload: { unique_key: { fields: ['sku'] } } });
    assert.equal(ignored.statusCode, 200, ignored.body);
    assert.equal(ignored.json().unique_key, null);
  });

  test('list: in the namespace, or across every namespace without the header (with namespace_id); search, filters, sort, paging, stats', async () => {
    const ns2 = await namespace(t);
    const tag = uniqueName('lst');
    for (const [n, space] of [['a', ns], ['b', ns], ['c', ns2]] as const) {
      const r = await t.call({ method: 'POST', url: '/v1/buckets', headers: { 'x-namespace': space.namespace_id }, payload: { bucket_name: `${tag}_${n}`, bucket_schema: SCHEMA } });
      assert.equal(r.statusCode, 200, r.body);
    }
    const inNs = await t.call({ method: 'POST', url: '/v1/buckets/list', headers: h(), payload: { search: tag.toUpperCase(), sort: { field: 'bucket_name', direction: 'desc' }, limit: 1 } });
    assert.equal(inNs.statusCode, 200, inNs.body);
    assert.deepEqual(inNs.json().results.map((r: any) => r.bucket_name), [`${tag}_b`]);
    assert.equal(inNs.json().total_count, 2);
    assert.equal(inNs.json().pagination.next_page, '2');
    assert.deepEqual(inNs.json().stats, { total_objects: 0, total_size_bytes: 0, avg_objects_per_bucket: 0, avg_size_per_bucket: 0 });
    const across = (await t.call({ method: 'POST', url: '/v1/buckets/list', payload: { search: tag, sort: { field: 'bucket_name' } } })).json();
    assert.deepEqual(across.results.map((r: any) => [r.bucket_name, r.namespace_id]), [[`${tag}_a`, ns.namespace_id], [`${tag}_b`, ns.namespace_id], [`${tag}_c`, ns2.namespace_id]]);
    const filtered = (await t.call({ method: 'POST', url: '/v1/buckets/list', headers: h(), payload: { filters: { bucket_name: [`${tag}_a`, `${tag}_c`] } } })).json();
    assert.deepEqual(filtered.results.map((r: any) => r.bucket_name), [`${tag}_a`]);
    // A key scoped to ns2 lists only ns2's buckets without the header.
    const key = await scopedKey(t, [{ resource_type: 'namespace', resource_id: ns2.namespace_id }]);
    const scoped = (await t.call({ method: 'POST', url: '/v1/buckets/list', payload: { search: tag }, key })).json();
    assert.deepEqual(scoped.results.map((r: any) => r.bucket_name), [`${tag}_c`]);
  });

  test('namespace bucket_count is true; DELETE answers a task and the bucket is gone at once (test/deletion.test.ts follows the cascade)', async () => {
    const space = await namespace(t);
    const hs = { 'x-namespace': space.namespace_id };
    const b = (await t.call({ method: 'POST', url: '/v1/buckets', headers: hs, payload: { bucket_name: uniqueName('b'), bucket_schema: SCHEMA } })).json();
    await t.call({ method: 'POST', url: '/v1/buckets', headers: hs, payload: { bucket_name: uniqueName('b'), bucket_schema: SCHEMA } });
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${space.namespace_id}` })).json().bucket_count, 2);
    const deleted = await t.call({ method: 'DELETE', url: `/v1/buckets/${b.bucket_id}` });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal(deleted.json().status, 'PENDING');
    assert.match(deleted.json().task_id, /^task_/);
    assertError(await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}` }), 404, 'NotFoundError');
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${space.namespace_id}` })).json().bucket_count, 1);
  });

  test('cross-tenant sweep: another organization and another namespace get 404 on every route, by id and by name', async () => {
    const name = uniqueName('b');
    const b = (await t.call({ method: 'POST', url: '/v1/buckets', headers: h(), payload: { bucket_name: name, bucket_schema: SCHEMA } })).json();
    const other = await otherOrganization(t);
    const otherNs = await namespace(t, other.apiKey);
    const sibling = await namespace(t);
    const requests = [b.bucket_id, name].flatMap((id) => [
      { method: 'GET' as const, url: `/v1/buckets/${id}` },
      { method: 'PUT' as const, url: `/v1/buckets/${id}`, payload: { description: 'x' } },
      { method: 'PATCH' as const, url: `/v1/buckets/${id}`, payload: { description: 'x' } },
      { method: 'DELETE' as const, url: `/v1/buckets/${id}` },
    ]);
    await assertTenancySweep(t, {
      requests,
      outsiders: [
        { label: 'other org, its namespace', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id } },
        { label: 'sibling namespace', headers: { 'x-namespace': sibling.namespace_id } },
      ],
      snapshot: async () => (await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}` })).json(),
    });
    // By id without a header from the other organization: not found either.
    assertError(await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}`, key: other.apiKey }), 404, 'NotFoundError');
    const list = (await t.call({ method: 'POST', url: '/v1/buckets/list', payload: {}, key: other.apiKey })).json();
    assert.equal(list.results.some((r: any) => r.bucket_id === b.bucket_id), false);
  });

  test('a key scoped to another namespace is refused a bucket addressed by id without the header', async () => {
    const b = (await t.call({ method: 'POST', url: '/v1/buckets', headers: h(), payload: { bucket_name: uniqueName('b'), bucket_schema: SCHEMA } })).json();
    const elsewhere = await namespace(t);
    const key = await scopedKey(t, [{ resource_type: 'namespace', resource_id: elsewhere.namespace_id }]);
    assertError(await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}`, key }), 403, 'ForbiddenError');
  });
});

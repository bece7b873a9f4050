// Tier quotas of the ingestion resources (SPEC §20): namespaces, buckets and objects per
// organization. Past a quota the create is 403 QuotaExceededError naming the resource, and nothing
// is created; concurrent creates cannot both take the last slot.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TIERS } from '../src/engine/accounts/tiers.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const TEXT = [{ feature_extractor_name: 'text_extractor', version: 'v1' }];
const SCHEMA = { properties: { title: { type: 'string' } } };

describe(`ingestion quotas on the free tier [${BACKEND}]`, () => {
  let t: TestApp;
  let namespaceId: string;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('namespaces: 1 on free; two racing for it get one 200 and one 403, and only one exists', async () => {
    assert.equal(TIERS.free.quotas.namespaces, 1);
    const create = () => t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('q'), feature_extractors: TEXT } });
    const results = await Promise.all([create(), create()]);
    const statuses = results.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [200, 403], results.map((r) => r.body).join('\n'));
    const refused = results.find((r) => r.statusCode === 403)!;
    const body = assertError(refused, 403, 'QuotaExceededError');
    assert.deepEqual(body.error.details, { resource: 'namespaces', current: 1, limit: 1, tier: 'free' });
    namespaceId = results.find((r) => r.statusCode === 200)!.json().namespace_id;
    const list = (await t.call({ method: 'POST', url: '/v1/namespaces/list?include_total=true', payload: {} })).json();
    assert.equal(list.total_count, 1);
  });

  test('buckets: 5 on free; the sixth is 403 and creates nothing', async () => {
    const h = { 'x-namespace': namespaceId };
    const limit = TIERS.free.quotas.buckets!;
    for (let i = 0; i < limit; i++) {
      const res = await t.call({ method: 'POST', url: '/v1/buckets', headers: h, payload: { bucket_name: `b${i}`, bucket_schema: SCHEMA } });
      assert.equal(res.statusCode, 200, res.body);
    }
    const body = assertError(await t.call({ method: 'POST', url: '/v1/buckets', headers: h, payload: { bucket_name: 'one_too_many', bucket_schema: SCHEMA } }), 403, 'QuotaExceededError');
    assert.equal(body.error.details.resource, 'buckets');
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${namespaceId}` })).json().bucket_count, limit);
  });

  test('objects: 10,000 on free; a batch that would cross it is refused whole; single creates stop at the limit', async () => {
    const h = { 'x-namespace': namespaceId };
    const limit = TIERS.free.quotas.objects!;
    const url = '/v1/buckets/b0/objects';
    for (let made = 0; made < limit - 50; made += 100) {
      const n = Math.min(100, limit - 50 - made);
      const res = await t.call({ method: 'POST', url: `${url}/batch`, headers: h, payload: { objects: Array.from({ length: n }, (_, i) => ({ title: `o${made + i}` })) } });
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    }
    const crossing = await t.call({ method: 'POST', url: `${url}/batch`, headers: h, payload: { objects: Array.from({ length: 100 }, (_, i) => ({ title: `x${i}` })) } });
    assert.equal(crossing.statusCode, 403, crossing.body.slice(0, 300));
    assert.equal(crossing.json().error.type, 'QuotaExceededError');
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${namespaceId}` })).json().object_count, limit - 50);
    for (let i = 0; i < 50; i++) assert.equal((await t.call({ method: 'POST', url, headers: h, payload: { title: `s${i}` } })).statusCode, 200);
    const body = assertError(await t.call({ method: 'POST', url, headers: h, payload: { title: 'over' } }), 403, 'QuotaExceededError');
    assert.equal(body.error.details.resource, 'objects');
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${namespaceId}` })).json().object_count, limit);
  });
});

// Strings and date-times the store cannot hold are refused at the edge with a 422, on both backends
// alike (found by the OpenAPI fuzz test: each of these was a 500 on PostgreSQL, or an invalid
// date-time in a 200 on SQLite).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from './helpers/contract.ts';
import { getOrganization } from './helpers/accounts.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

const ADMIN = encodeURIComponent('admin@tessera.local');

describe(`NUL characters and out-of-range date-times [${BACKEND}]`, () => {
  let t: TestApp;
  let keyId: string;
  before(async () => {
    t = await createTestApp();
    const keys = await t.call({ method: 'GET', url: `/v1/organizations/users/${ADMIN}/api-keys` });
    keyId = keys.json().results[0].key_id;
  });
  after(() => t.close());

  const locOf = (body: Record<string, any>) => body.detail.map((d: { loc: unknown[] }) => d.loc);

  test('U+0000 in a body string, an object key, a path or a query parameter is a 422 naming it', async () => {
    const before = await getOrganization(t);
    let body = assertError(await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { organization_name: 'a\u0000b' } }), 422, 'ValidationError');
    assert.deepEqual(locOf(body), [['body', 'organization_name']]);
    assert.equal(body.detail[0].type, 'string_nul');
    body = assertError(await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { metadata: { 'k\u0000': 1 } } }), 422, 'ValidationError');
    assert.deepEqual(locOf(body), [['body', 'metadata', 'k\u0000']]);
    body = assertError(await t.call({ method: 'GET', url: '/v1/organizations/users/%00%00/api-keys' }), 422, 'ValidationError');
    assert.deepEqual(locOf(body), [['path', 'user_email']]);
    assertError(await t.call({ method: 'GET', url: '/v1/organizations/api-keys/%00/usage' }), 422, 'ValidationError');
    assertError(await t.call({ method: 'GET', url: '/v1/organizations/users?role=%00' }), 422, 'ValidationError');
    const after = await getOrganization(t);
    assert.equal(after.organization_name, before.organization_name);
    assert.deepEqual(after.metadata, before.metadata);
  });

  test('a leap second, year 0 or a year past 8999 is a 422; the range ends are accepted', async () => {
    for (const expires_at of ['2036-12-31T23:59:60Z', '9999-01-01T00:00:00Z', '0000-01-01T00:00:00Z']) {
      const body = assertError(await t.call({ method: 'POST', url: `/v1/organizations/users/${ADMIN}/api-keys`, payload: { name: 'x', expires_at } }), 422, 'ValidationError');
      assert.deepEqual(locOf(body), [['body', 'expires_at']]);
    }
    const keys = await t.call({ method: 'GET', url: `/v1/organizations/users/${ADMIN}/api-keys` });
    assert.deepEqual(keys.json().results.map((k: { name: string }) => k.name), ['admin-key'], 'nothing was created');

    for (const url of [
      '/v1/organizations/usage?start=0000-01-01T00:00:00Z',
      '/v1/organizations/usage?end=9999-12-31T23:59:59.999Z',
      `/v1/organizations/api-keys/${keyId}/usage?end=9999-12-31T23:59:59.999Z`,
      `/v1/organizations/api-keys/${keyId}/usage/endpoints?start=0000-01-01T00:00:00Z`,
      '/v1/organizations/billing/usage/breakdown?billing_month=9999-12',
      '/v1/organizations/billing/usage/breakdown?billing_month=1969-12',
    ]) {
      assertError(await t.call({ method: 'GET', url }), 422, 'ValidationError');
    }

    const edges = await t.call({ method: 'GET', url: '/v1/organizations/usage?start=1970-01-01T00:00:00Z&end=8999-12-31T23:59:59.999Z' });
    assert.equal(edges.statusCode, 200, edges.body);
    // The end is rounded up to the next hour: still a valid RFC 3339 date-time.
    assert.equal(edges.json().period.end, '9000-01-01T00:00:00.000Z');
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations/billing/usage/breakdown?billing_month=8999-12' })).statusCode, 200);
  });
});

// The per-tier API-key quota, through the real HTTP API on real storage.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey, createUser, getOrganization, otherOrganization } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const ADMIN_EMAIL = 'admin@tessera.local';
const keysOf = (email: string) => `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`;

async function listKeys(t: TestApp, email: string, key?: string, includeRevoked = false): Promise<{ name: string; status: string }[]> {
  const res = await t.call({ method: 'GET', url: `${keysOf(email)}${includeRevoked ? '?include_revoked=true' : ''}`, ...(key ? { key } : {}) });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().total, res.json().results.length);
  return res.json().results;
}

const names = (keys: { name: string }[]) => keys.map((k) => k.name).sort();

describe(`API-key quota [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('free: the bootstrap key is 1 of 2; one more fits, the next is 403 QuotaExceededError and creates nothing', async () => {
    assert.equal((await getOrganization(t)).account_type, 'free');
    assert.deepEqual(names(await listKeys(t, ADMIN_EMAIL)), ['admin-key']);

    await createKey(t, ADMIN_EMAIL, { name: 'second' });
    assert.deepEqual(names(await listKeys(t, ADMIN_EMAIL)), ['admin-key', 'second']);

    const res = await t.call({ method: 'POST', url: keysOf(ADMIN_EMAIL), payload: { name: 'third' } });
    const body = assertError(res, 403, 'QuotaExceededError');
    assert.deepEqual(body.error.details, { resource: 'api_keys', current: 2, limit: 2, tier: 'free' });
    assert.match(body.error.message, /free/);
    assert.deepEqual(names(await listKeys(t, ADMIN_EMAIL, undefined, true)), ['admin-key', 'second']);

    // The quota is the organization's, not the user's.
    const email = `${uniqueName('user')}@example.com`;
    await createUser(t, { email, role: 'member' });
    assertError(await t.call({ method: 'POST', url: keysOf(email), payload: { name: 'mine' } }), 403, 'QuotaExceededError');
    assert.deepEqual(await listKeys(t, email, undefined, true), []);
  });

  test('revoking a key frees its slot; the revoked key stays revoked', async () => {
    assert.equal((await t.call({ method: 'DELETE', url: `${keysOf(ADMIN_EMAIL)}/second` })).statusCode, 200);
    const third = await createKey(t, ADMIN_EMAIL, { name: 'third' });
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key: third.key })).statusCode, 200);
    assert.deepEqual(names(await listKeys(t, ADMIN_EMAIL)), ['admin-key', 'third']);
    assertError(await t.call({ method: 'POST', url: keysOf(ADMIN_EMAIL), payload: { name: 'fourth' } }), 403, 'QuotaExceededError');
    // PATCH status=revoked frees a slot too.
    const patched = await t.call({ method: 'PATCH', url: `${keysOf(ADMIN_EMAIL)}/third`, payload: { status: 'revoked' } });
    assert.equal(patched.statusCode, 200, patched.body);
    await createKey(t, ADMIN_EMAIL, { name: 'fourth' });
    assert.deepEqual(names(await listKeys(t, ADMIN_EMAIL)), ['admin-key', 'fourth']);
    assert.deepEqual(names(await listKeys(t, ADMIN_EMAIL, undefined, true)), ['admin-key', 'fourth', 'second', 'third']);
  });

  test('a top-up to 100,000 makes the organization pro: 10 keys', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 100_000 } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().new_tier, 'pro');
    assert.equal((await getOrganization(t)).account_type, 'pro');

    for (let i = 0; i < 8; i++) await createKey(t, ADMIN_EMAIL, { name: `pro-${i}` });
    assert.equal((await listKeys(t, ADMIN_EMAIL)).length, 10);
    const body = assertError(await t.call({ method: 'POST', url: keysOf(ADMIN_EMAIL), payload: { name: 'pro-overflow' } }), 403, 'QuotaExceededError');
    assert.deepEqual(body.error.details, { resource: 'api_keys', current: 10, limit: 10, tier: 'pro' });
    assert.equal((await listKeys(t, ADMIN_EMAIL)).length, 10);
  });

  test('permission is checked before the quota: with the quota full, a read key still gets ForbiddenError', async () => {
    // Free one slot for the read key, then fill the quota again.
    assert.equal((await t.call({ method: 'DELETE', url: `${keysOf(ADMIN_EMAIL)}/pro-0` })).statusCode, 200);
    const { key } = await createKey(t, ADMIN_EMAIL, { name: 'reader', permissions: ['read'] });
    assert.equal((await listKeys(t, ADMIN_EMAIL)).length, 10);
    const body = assertError(await t.call({ method: 'POST', url: keysOf(ADMIN_EMAIL), key, payload: { name: 'x' } }), 403, 'ForbiddenError');
    assert.equal(body.error.details.required, 'write');
  });

  test('20 concurrent creations with one free slot create exactly one key', async () => {
    // A fresh free organization: its admin key is 1 of 2.
    const other = await otherOrganization(t);
    assert.equal((await getOrganization(t, other.apiKey)).account_type, 'free');
    assert.deepEqual(names(await listKeys(t, other.adminEmail, other.apiKey)), ['admin-key']);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.call({ method: 'POST', url: keysOf(other.adminEmail), key: other.apiKey, payload: { name: `race-${i}` } })),
    );
    const created = responses.filter((r) => r.statusCode === 200);
    assert.equal(created.length, 1, responses.map((r) => `${r.statusCode}`).join(','));
    for (const res of responses.filter((r) => r.statusCode !== 200)) {
      const body = assertError(res, 403, 'QuotaExceededError');
      assert.deepEqual(body.error.details, { resource: 'api_keys', current: 2, limit: 2, tier: 'free' });
    }
    const keys = await listKeys(t, other.adminEmail, other.apiKey, true);
    assert.deepEqual(names(keys), ['admin-key', created[0]!.json().name].sort());
    // The winner works.
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key: created[0]!.json().key })).statusCode, 200);
  });
});

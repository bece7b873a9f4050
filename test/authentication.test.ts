import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey, createUser, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

describe(`authentication [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('every failure is the same 401: missing, malformed, unknown, revoked, expired key, suspended or pending user', async () => {
    const email = 'authcases@example.com';
    await createUser(t, { email });
    const revoked = await createKey(t, email, { name: 'revoked' });
    await t.call({ method: 'DELETE', url: `/v1/organizations/users/${email}/api-keys/revoked` });
    const expiring = await createKey(t, email, { name: 'expiring', expires_at: new Date(Date.now() + 1000).toISOString() });
    const suspendedEmail = 'suspended@example.com';
    await createUser(t, { email: suspendedEmail });
    const suspended = await createKey(t, suspendedEmail, { name: 's' });
    await t.call({ method: 'PATCH', url: `/v1/organizations/users/${suspendedEmail}`, payload: { status: 'suspended' } });
    await new Promise((r) => setTimeout(r, 1100));

    const headers: (Record<string, string> | undefined)[] = [
      undefined,
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      { authorization: `Bearer ${t.adminKey} extra` },
      { authorization: 'Bearer sk_' },
      { authorization: `Bearer ${t.adminKey.slice(0, -1)}X` },
      { authorization: `Bearer ${revoked.key}` },
      { authorization: `Bearer ${expiring.key}` },
      { authorization: `Bearer ${suspended.key}` },
    ];
    const bodies = new Set<string>();
    for (const h of headers) {
      const res = await t.call({ method: 'GET', url: '/v1/organizations', key: null, ...(h ? { headers: h } : {}) });
      assertError(res, 401, 'UnauthorizedError');
      bodies.add(res.body);
    }
    assert.equal(bodies.size, 1, `401 bodies differ: ${[...bodies].join('\n')}`);
  });

  test('the Bearer scheme is case-insensitive', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/organizations', key: null, headers: { authorization: `bearer ${t.adminKey}` } });
    assert.equal(res.statusCode, 200);
  });

  test('authentication comes before validation: an anonymous bad request gets 401, not 422', async () => {
    assertError(await t.call({ method: 'POST', url: '/v1/organizations/credits', key: null, payload: { credits: 'lots' } }), 401, 'UnauthorizedError');
  });

  test('health probes need no key', async () => {
    const health = await t.call({ method: 'GET', url: '/v1/health', key: null });
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().status, 'OK');
    assert.equal(health.json().data.metadata, true);
    assert.equal(health.json().meta.components.metadata, BACKEND);
    const live = await t.call({ method: 'GET', url: '/v1/health/liveness', key: null });
    assert.equal(live.statusCode, 200);
  });

  test('the API key never appears in logs', async () => {
    await t.call({ method: 'GET', url: '/v1/organizations' });
    assert.ok(!t.logs().includes(t.adminKey));
  });
});

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
    // The setup's changes are checked: a 401 case that was never set up would pass as a 200.
    const revocation = await t.call({ method: 'DELETE', url: `/v1/organizations/users/${email}/api-keys/revoked` });
    assert.equal(revocation.statusCode, 200, `revoking: ${revocation.body}`);
    const expiring = await createKey(t, email, { name: 'expiring', expires_at: new Date(Date.now() + 1000).toISOString() });
    const suspendedEmail = 'suspended@example.com';
    await createUser(t, { email: suspendedEmail });
    const suspended = await createKey(t, suspendedEmail, { name: 's' });
    const suspension = await t.call({ method: 'PATCH', url: `/v1/organizations/users/${suspendedEmail}`, payload: { status: 'suspended' } });
    assert.equal(suspension.statusCode, 200, `suspending: ${suspension.body}`);
    // Past the expiring key's expiry, whatever the load: its expires_at as stored, plus a margin.
    const expiresAt = Date.parse(expiring.expires_at ?? new Date(Date.now() + 1000).toISOString());
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 100));

    const cases: [string, Record<string, string> | undefined][] = [
      ['missing', undefined],
      ['empty', { authorization: '' }],
      ['scheme only', { authorization: 'Bearer' }],
      ['basic', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      ['trailing token', { authorization: `Bearer ${t.adminKey} extra` }],
      ['prefix only', { authorization: 'Bearer sk_' }],
      ['unknown', { authorization: `Bearer ${t.adminKey.slice(0, -1)}X` }],
      ['revoked', { authorization: `Bearer ${revoked.key}` }],
      ['expired', { authorization: `Bearer ${expiring.key}` }],
      ['suspended user', { authorization: `Bearer ${suspended.key}` }],
    ];
    const bodies = new Set<string>();
    for (const [name, h] of cases) {
      const res = await t.call({ method: 'GET', url: '/v1/organizations', key: null, ...(h ? { headers: h } : {}) });
      assert.equal(res.statusCode, 401, `${name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
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

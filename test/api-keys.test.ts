import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey, createUser, keyFor, otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

const keysOf = (email: string) => `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`;
const keyPath = (email: string, name: string) => `${keysOf(email)}/${encodeURIComponent(name)}`;
const canRead = async (t: TestApp, key: string) => (await t.call({ method: 'GET', url: '/v1/organizations', key })).statusCode;

describe(`API keys [${BACKEND}]`, () => {
  let t: TestApp;
  const owner = 'owner@example.com';
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
    await createUser(t, { email: owner, role: 'admin' });
  });
  after(() => t.close());

  test('POST returns the secret once, with the APIKeyModel fields; listing never shows it', async () => {
    const created = await createKey(t, owner, { name: 'ci', description: 'CI runner', permissions: ['read', 'write'], rate_limit_override: 30 });
    assert.match(created.key, /^sk_[A-Za-z0-9_-]{43}$/);
    assert.match(created.key_id, /^key_[a-z0-9]{20}$/);
    assert.equal(created.key_prefix, created.key.slice(0, 10));
    assert.equal(created.key_hash, '[redacted]');
    assert.doesNotMatch(created.internal_id, /^int_/);
    assert.equal(created.name, 'ci');
    assert.equal(created.description, 'CI runner');
    assert.deepEqual(created.permissions, ['read', 'write']);
    assert.deepEqual(created.scopes, []);
    assert.equal(created.rate_limit_override, 30);
    assert.equal(created.status, 'active');
    assert.equal(await canRead(t, created.key), 200);

    const list = await t.call({ method: 'GET', url: keysOf(owner) });
    assert.equal(list.statusCode, 200);
    assert.equal(list.json().total, 1);
    assert.equal(list.json().results[0].name, 'ci');
    assert.equal(list.json().results[0].key, undefined);
    assert.ok(!list.body.includes(created.key));
    assert.ok(list.json().results[0].last_used_at, 'last_used_at is set after a successful authentication');
  });

  test('defaults to read-only; names are unique per user (409) and free again after revocation', async () => {
    const created = await createKey(t, owner, { name: 'reader' });
    assert.deepEqual(created.permissions, ['read']);
    const dup = assertError(await t.call({ method: 'POST', url: keysOf(owner), payload: { name: 'reader' } }), 409, 'AlreadyExistsError');
    assert.equal(dup.error.code, 'api_key_name_taken');
    assert.equal((await t.call({ method: 'DELETE', url: keyPath(owner, 'reader') })).statusCode, 200);
    const again = await createKey(t, owner, { name: 'reader' });
    assert.notEqual(again.key_id, created.key_id);
    // Another user may use the same name.
    await createUser(t, { email: 'second@example.com' });
    await createKey(t, 'second@example.com', { name: 'reader' });
  });

  test('a read key cannot write: 403 with the required permission', async () => {
    const { key } = await createKey(t, owner, { name: 'ro', permissions: ['read'] });
    const body = assertError(await t.call({ method: 'POST', url: keysOf(owner), key, payload: { name: 'x' } }), 403, 'ForbiddenError');
    assert.equal(body.error.details.required, 'write');
  });

  test('PATCH updates fields; 409 on a taken name; 422 on bad input; nothing changes on rejection', async () => {
    await createKey(t, owner, { name: 'patchme', permissions: ['read'] });
    const res = await t.call({
      method: 'PATCH',
      url: keyPath(owner, 'patchme'),
      payload: { name: 'patched', description: 'now with write', permissions: ['write'], expires_at: '2999-01-01T00:00:00+02:00', rate_limit_override: 5 },
    });
    assert.equal(res.statusCode, 200, res.body);
    const key = res.json();
    assert.equal(key.name, 'patched');
    assert.deepEqual(key.permissions, ['write']);
    assert.equal(key.expires_at, '2998-12-31T22:00:00.000Z');
    assert.equal(key.rate_limit_override, 5);

    assertError(await t.call({ method: 'PATCH', url: keyPath(owner, 'patched'), payload: { name: 'ci' } }), 409, 'AlreadyExistsError');
    for (const payload of [{ permissions: [] }, { permissions: ['root'] }, { key: 'sk_x', name: 7 }, { rate_limit_override: 0 }, { expires_at: 'tomorrow' }, { status: 'deleted' }]) {
      assertError(await t.call({ method: 'PATCH', url: keyPath(owner, 'patched'), payload }), 422, 'ValidationError');
    }
    assertError(await t.call({ method: 'PATCH', url: keyPath(owner, 'patched'), payload: { expires_at: '2001-01-01T00:00:00Z' } }), 400, 'BadRequestError');
    // The secret is not a field: sending one is ignored (and named), never stored.
    const ignored = await t.call({ method: 'PATCH', url: keyPath(owner, 'patched'), payload: { key: 'sk_x' } });
    assert.equal(ignored.statusCode, 200, ignored.body);
    assert.equal(ignored.headers['tessera-ignored-fields'], 'key');
    assert.equal(ignored.json().key, undefined);
    const listed = (await t.call({ method: 'GET', url: keysOf(owner) })).json().results.find((k: { name: string }) => k.name === 'patched');
    assert.deepEqual(listed.permissions, ['write']);
    assert.equal(listed.expires_at, '2998-12-31T22:00:00.000Z');

    const cleared = await t.call({ method: 'PATCH', url: keyPath(owner, 'patched'), payload: { expires_at: null, rate_limit_override: null } });
    assert.equal(cleared.json().expires_at, null);
    assert.equal(cleared.json().rate_limit_override, null);
  });

  test('PATCH status=revoked and DELETE stop the key at once; revoked is final', async () => {
    const a = await createKey(t, owner, { name: 'to-revoke' });
    const b = await createKey(t, owner, { name: 'to-delete' });
    const revoked = await t.call({ method: 'PATCH', url: keyPath(owner, 'to-revoke'), payload: { status: 'revoked' } });
    assert.equal(revoked.json().status, 'revoked');
    assert.ok(revoked.json().revoked_at);
    assert.equal(await canRead(t, a.key), 401);
    assert.equal((await t.call({ method: 'DELETE', url: keyPath(owner, 'to-delete') })).statusCode, 200);
    assert.equal(await canRead(t, b.key), 401);
    // A revoked key is gone by name (its name is free), and listed only with include_revoked.
    assertError(await t.call({ method: 'PATCH', url: keyPath(owner, 'to-revoke'), payload: { status: 'active' } }), 404, 'NotFoundError');
    const all = (await t.call({ method: 'GET', url: `${keysOf(owner)}?include_revoked=true` })).json().results;
    assert.deepEqual(all.filter((k: { status: string }) => k.status === 'revoked').map((k: { name: string }) => k.name).sort(), ['reader', 'to-delete', 'to-revoke']);
    const live = (await t.call({ method: 'GET', url: keysOf(owner) })).json().results;
    assert.ok(live.every((k: { status: string }) => k.status !== 'revoked'));
  });

  test('rotate: a new secret works, the old one stops at once', async () => {
    const original = await createKey(t, owner, { name: 'rotating', permissions: ['read'] });
    const res = await t.call({ method: 'POST', url: `${keyPath(owner, 'rotating')}/rotate` });
    assert.equal(res.statusCode, 200, res.body);
    const rotated = res.json();
    assert.equal(rotated.key_id, original.key_id);
    assert.notEqual(rotated.key, original.key);
    assert.equal(rotated.key_prefix, rotated.key.slice(0, 10));
    assert.equal(await canRead(t, original.key), 401);
    assert.equal(await canRead(t, rotated.key), 200);
  });

  test('an expired key is refused with 401 and shows status expired', async () => {
    const created = await createKey(t, owner, { name: 'short-lived', expires_at: new Date(Date.now() + 1500).toISOString() });
    assert.equal(await canRead(t, created.key), 200);
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal(await canRead(t, created.key), 401);
    const listed = (await t.call({ method: 'GET', url: keysOf(owner) })).json().results.find((k: { name: string }) => k.name === 'short-lived');
    assert.equal(listed.status, 'expired');
    assertError(await t.call({ method: 'POST', url: `${keyPath(owner, 'short-lived')}/rotate` }), 400, 'BadRequestError');
  });

  test('no escalation: a key cannot grant more than it holds', async () => {
    const writer = await createKey(t, owner, { name: 'writer', permissions: ['write'] });
    const body = assertError(await t.call({ method: 'POST', url: keysOf(owner), key: writer.key, payload: { name: 'sneaky', permissions: ['admin'] } }), 403, 'ForbiddenError');
    assert.equal(body.error.details.required, 'admin');
    const ok = await t.call({ method: 'POST', url: keysOf(owner), key: writer.key, payload: { name: 'fine', permissions: ['write'] } });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  test("a member manages its own keys but not another user's", async () => {
    const member = await keyFor(t, 'member', ['write']);
    const own = await t.call({ method: 'POST', url: keysOf(member.email), key: member.key, payload: { name: 'mine', permissions: ['read'] } });
    assert.equal(own.statusCode, 200, own.body);
    assertError(await t.call({ method: 'POST', url: keysOf(owner), key: member.key, payload: { name: 'theirs' } }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'GET', url: keysOf(owner), key: member.key }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'POST', url: `${keyPath(owner, 'ci')}/rotate`, key: member.key }), 403, 'ForbiddenError');
  });

  test("another organization's users and keys are reported like missing ones", async () => {
    const other = await otherOrganization(t);
    assertError(await t.call({ method: 'GET', url: keysOf(other.adminEmail) }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'POST', url: keysOf(other.adminEmail), payload: { name: 'implant', permissions: ['admin'] } }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'DELETE', url: keyPath(other.adminEmail, 'admin-key') }), 404, 'NotFoundError');
    assert.equal(await canRead(t, other.apiKey), 200);
  });

  test('404 for unknown keys and users; 422 for bad bodies; 401 without a key', async () => {
    assertError(await t.call({ method: 'PATCH', url: keyPath(owner, 'nope'), payload: { description: 'x' } }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'DELETE', url: keyPath(owner, 'nope') }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'POST', url: `${keyPath(owner, 'nope')}/rotate` }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'GET', url: keysOf('ghost@example.com') }), 404, 'NotFoundError');
    for (const payload of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'ok', permissions: ['superuser'] }, { name: 'ok', scopes: [{ resource_type: 'planet', resource_id: '*' }] }, { name: 7, extra: 1 }]) {
      assertError(await t.call({ method: 'POST', url: keysOf(owner), payload }), 422, 'ValidationError');
    }
    for (const [method, url] of [
      ['POST', keysOf(owner)],
      ['GET', keysOf(owner)],
      ['PATCH', keyPath(owner, 'ci')],
      ['DELETE', keyPath(owner, 'ci')],
      ['POST', `${keyPath(owner, 'ci')}/rotate`],
    ] as const) {
      assertError(await t.call({ method, url, key: null, payload: {} }), 401, 'UnauthorizedError');
    }
  });

  test('scopes are stored and returned', async () => {
    const created = await createKey(t, owner, { name: 'scoped', scopes: [{ resource_type: 'namespace', resource_id: 'ns_customer_*', operations: ['read_data'] }] });
    assert.deepEqual(created.scopes, [{ resource_type: 'namespace', resource_id: 'ns_customer_*', operations: ['read_data'] }]);
  });
});

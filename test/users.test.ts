import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey, createUser, getOrganization, keyFor, otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

const USERS = '/v1/organizations/users';
const user = (email: string) => `${USERS}/${encodeURIComponent(email)}`;

describe(`organization users [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('POST creates a user (default role member, status active), visible in the organization', async () => {
    const created = await createUser(t, { email: 'Ada@Example.com', user_name: 'Ada', metadata: { team: 'ml' } });
    assert.match(created.user_id, /^usr_[a-z0-9]{20}$/);
    assert.equal(created.email, 'ada@example.com');
    assert.equal(created.role, 'member');
    assert.equal(created.status, 'active');
    assert.deepEqual(created.metadata, { team: 'ml' });
    const org = await getOrganization(t);
    assert.ok(org.users.some((u: { email: string }) => u.email === 'ada@example.com'));
  });

  test('GET by email (case-insensitive), list with filters and paging', async () => {
    await createUser(t, { email: 'viewer1@example.com', role: 'viewer' });
    await createUser(t, { email: 'viewer2@example.com', role: 'viewer' });
    const one = await t.call({ method: 'GET', url: user('ADA@example.com') });
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().user_name, 'Ada');

    const viewers = (await t.call({ method: 'GET', url: `${USERS}?role=viewer` })).json();
    assert.equal(viewers.total, 2);
    assert.deepEqual(viewers.results.map((u: { email: string }) => u.email).sort(), ['viewer1@example.com', 'viewer2@example.com']);

    const page = (await t.call({ method: 'GET', url: `${USERS}?skip=1&limit=2` })).json();
    assert.equal(page.skip, 1);
    assert.equal(page.limit, 2);
    assert.equal(page.results.length, 2);
    assert.equal(page.total, 4);
  });

  test('409 for a duplicate email; nothing changes', async () => {
    const body = assertError(await t.call({ method: 'POST', url: USERS, payload: { email: 'ada@EXAMPLE.com', user_name: 'Other Ada' } }), 409, 'AlreadyExistsError');
    assert.equal(body.error.code, 'user_email_taken');
    assert.equal((await t.call({ method: 'GET', url: user('ada@example.com') })).json().user_name, 'Ada');
  });

  test('422 for bad input, nothing stored', async () => {
    for (const payload of [
      { email: 'not-an-email', user_name: 'X Y' },
      { email: 'ok@example.com', user_name: 'X' },
      { email: 'ok@example.com', user_name: 'Xy', role: 'owner' },
      { email: 'ok@example.com', user_name: 'Xy', status: 'active', role: 7 },
      { user_name: 'Xy' },
    ]) {
      assertError(await t.call({ method: 'POST', url: USERS, payload }), 422, 'ValidationError');
    }
    assertError(await t.call({ method: 'GET', url: user('ok@example.com') }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'GET', url: `${USERS}?role=owner` }), 422, 'ValidationError');
  });

  test('PATCH updates; metadata replaces; unknown fields (email) ignored and named', async () => {
    const res = await t.call({ method: 'PATCH', url: user('ada@example.com'), payload: { user_name: 'Ada L.', role: 'viewer', metadata: { x: 1 } } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().user_name, 'Ada L.');
    assert.equal(res.json().role, 'viewer');
    assert.deepEqual(res.json().metadata, { x: 1 });
    const ignored = await t.call({ method: 'PATCH', url: user('ada@example.com'), payload: { email: 'new@example.com' } });
    assert.equal(ignored.statusCode, 200, ignored.body);
    assert.equal(ignored.headers['tessera-ignored-fields'], 'email');
    assert.equal((await t.call({ method: 'GET', url: user('ada@example.com') })).json().user_name, 'Ada L.');
    assertError(await t.call({ method: 'GET', url: user('new@example.com') }), 404, 'NotFoundError');
  });

  test('404 for unknown users on every route', async () => {
    const ghost = user('ghost@example.com');
    assertError(await t.call({ method: 'GET', url: ghost }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'PATCH', url: ghost, payload: { user_name: 'Ghost' } }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'DELETE', url: ghost }), 404, 'NotFoundError');
  });

  test("another organization's users are reported exactly like missing ones", async () => {
    const other = await otherOrganization(t);
    const missing = await t.call({ method: 'GET', url: user('ghost@example.com') });
    const foreign = await t.call({ method: 'GET', url: user(other.adminEmail) });
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json().error.type, missing.json().error.type);
    assert.equal(foreign.json().error.message, missing.json().error.message);
    assertError(await t.call({ method: 'DELETE', url: user(other.adminEmail) }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'PATCH', url: user(other.adminEmail), payload: { role: 'viewer' } }), 404, 'NotFoundError');
    // The other organization still has its admin.
    const theirs = await getOrganization(t, other.apiKey);
    assert.equal(theirs.users[0].role, 'admin');
  });

  test('DELETE removes the user and revokes its keys at once', async () => {
    const { email, key } = await keyFor(t, 'member', ['write']);
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key })).statusCode, 200);
    const res = await t.call({ method: 'DELETE', url: user(email) });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { message: 'Successfully completed', success: true });
    assertError(await t.call({ method: 'GET', url: '/v1/organizations', key }), 401, 'UnauthorizedError');
    assertError(await t.call({ method: 'GET', url: user(email) }), 404, 'NotFoundError');
  });

  test('suspending a user stops its keys; reactivating restores them', async () => {
    const { email, key } = await keyFor(t, 'member', ['read']);
    await t.call({ method: 'PATCH', url: user(email), payload: { status: 'suspended' } });
    assertError(await t.call({ method: 'GET', url: '/v1/organizations', key }), 401, 'UnauthorizedError');
    await t.call({ method: 'PATCH', url: user(email), payload: { status: 'pending' } });
    assertError(await t.call({ method: 'GET', url: '/v1/organizations', key }), 401, 'UnauthorizedError');
    await t.call({ method: 'PATCH', url: user(email), payload: { status: 'active' } });
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key })).statusCode, 200);
  });

  test('the last active admin cannot be deleted, demoted or suspended', async () => {
    const other = await otherOrganization(t);
    const path = user(other.adminEmail);
    for (const [method, payload] of [
      ['DELETE', undefined],
      ['PATCH', { role: 'member' }],
      ['PATCH', { status: 'suspended' }],
    ] as const) {
      const body = assertError(await t.call({ method, url: path, key: other.apiKey, ...(payload ? { payload } : {}) }), 400, 'BadRequestError');
      assert.equal(body.error.code, 'last_admin');
    }
    assert.equal((await getOrganization(t, other.apiKey)).users[0].role, 'admin');
  });

  test('403: user administration needs admin; reads need read', async () => {
    const { key } = await keyFor(t, 'member', ['delete']);
    assertError(await t.call({ method: 'POST', url: USERS, key, payload: { email: 'z@example.com', user_name: 'Zed' } }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'PATCH', url: user('ada@example.com'), key, payload: { role: 'admin' } }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'DELETE', url: user('ada@example.com'), key }), 403, 'ForbiddenError');
    assert.equal((await t.call({ method: 'GET', url: USERS, key })).statusCode, 200);
    assert.equal((await t.call({ method: 'GET', url: user('ada@example.com') })).json().role, 'viewer');
  });

  test('401 on every route without a key', async () => {
    for (const [method, url] of [
      ['POST', USERS],
      ['GET', USERS],
      ['GET', user('ada@example.com')],
      ['PATCH', user('ada@example.com')],
      ['DELETE', user('ada@example.com')],
    ] as const) {
      assertError(await t.call({ method, url, key: null, payload: {} }), 401, 'UnauthorizedError');
    }
  });

  test('a key cannot act on users of its own org after its user is removed by another admin', async () => {
    const admin2 = await keyFor(t, 'admin', ['admin']);
    await createKey(t, admin2.email, { name: 'second', permissions: ['read'] }, admin2.key);
    assert.equal((await t.call({ method: 'DELETE', url: user(admin2.email) })).statusCode, 200);
    assertError(await t.call({ method: 'GET', url: USERS, key: admin2.key }), 401, 'UnauthorizedError');
  });
});

// Every API-key route × every permission level of the calling key × every permission of the target
// key: a key manages (creates, updates, revokes, rotates) only keys holding nothing it does not hold,
// and no key holds more than its owner's role allows. Refusals change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey, createUser, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const LEVELS = ['read', 'write', 'delete', 'admin'] as const;
type Level = (typeof LEVELS)[number];
const RANK: Record<Level, number> = { read: 1, write: 2, delete: 3, admin: 4 };

const keysOf = (email: string) => `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`;
const keyPath = (email: string, name: string) => `${keysOf(email)}/${encodeURIComponent(name)}`;

/** Managing keys needs `write` (the catalogue) and at least what the target key holds (the service). */
const mayManage = (caller: Level, target: Level) => RANK[caller] >= RANK.write && RANK[caller] >= RANK[target];

describe(`API-key privileges [${BACKEND}]`, () => {
  let t: TestApp;
  const owner = `${uniqueName('owner')}@example.com`;
  const callers = {} as Record<Level, string>;

  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
    await createUser(t, { email: owner, role: 'admin' });
    for (const level of LEVELS) callers[level] = (await createKey(t, owner, { name: `caller-${level}`, permissions: [level] })).key;
  });
  after(() => t.close());

  /** A fresh key of the same user holding `level`, made by the bootstrap admin key. */
  const target = async (level: Level) => {
    const name = uniqueName(`target-${level}`);
    const created = await createKey(t, owner, { name, permissions: [level] });
    return { name, secret: created.key as string, prefix: created.key_prefix as string };
  };

  const stored = async (name: string) => {
    const res = await t.call({ method: 'GET', url: `${keysOf(owner)}?include_revoked=true` });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json().results as Record<string, any>[]).find((k) => k.name === name);
  };

  for (const caller of LEVELS) {
    test(`a '${caller}' key lists its user's keys`, async () => {
      const res = await t.call({ method: 'GET', url: keysOf(owner), key: callers[caller] });
      assert.equal(res.statusCode, 200, res.body);
    });

    for (const level of LEVELS) {
      test(`a '${caller}' key creating a '${level}' key: ${mayManage(caller, level) ? 'allowed' : '403'}`, async () => {
        const name = uniqueName('created');
        const res = await t.call({ method: 'POST', url: keysOf(owner), key: callers[caller], payload: { name, permissions: [level] } });
        if (mayManage(caller, level)) {
          assert.equal(res.statusCode, 200, res.body);
          assert.deepEqual(res.json().permissions, [level]);
        } else {
          assertError(res, 403, 'ForbiddenError');
          assert.equal(await stored(name), undefined);
        }
      });

      test(`a '${caller}' key rotating a '${level}' key: ${mayManage(caller, level) ? 'allowed' : '403'}`, async () => {
        const victim = await target(level);
        const res = await t.call({ method: 'POST', url: `${keyPath(owner, victim.name)}/rotate`, key: callers[caller] });
        if (mayManage(caller, level)) {
          assert.equal(res.statusCode, 200, res.body);
          assert.notEqual(res.json().key, victim.secret);
        } else {
          const body = assertError(res, 403, 'ForbiddenError');
          assert.equal(body.key, undefined, 'no secret in a refusal');
          // The old secret still works and nothing about the key changed.
          assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key: victim.secret })).statusCode, 200);
          assert.equal((await stored(victim.name))?.key_prefix, victim.prefix);
        }
      });

      test(`a '${caller}' key updating a '${level}' key: ${mayManage(caller, level) ? 'allowed' : '403'}`, async () => {
        const victim = await target(level);
        const res = await t.call({ method: 'PATCH', url: keyPath(owner, victim.name), key: callers[caller], payload: { description: 'changed' } });
        if (mayManage(caller, level)) {
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().description, 'changed');
        } else {
          assertError(res, 403, 'ForbiddenError');
          assert.equal((await stored(victim.name))?.description, '');
        }
      });

      test(`a '${caller}' key revoking a '${level}' key: ${mayManage(caller, level) ? 'allowed' : '403'}`, async () => {
        const victim = await target(level);
        const res = await t.call({ method: 'DELETE', url: keyPath(owner, victim.name), key: callers[caller] });
        if (mayManage(caller, level)) {
          assert.equal(res.statusCode, 200, res.body);
          assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key: victim.secret })).statusCode, 401);
        } else {
          assertError(res, 403, 'ForbiddenError');
          assert.equal((await stored(victim.name))?.status, 'active');
          assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key: victim.secret })).statusCode, 200);
        }
      });
    }
  }

  test('a write key cannot take over an admin key of its own user: no rotate, no revoke, no permission change', async () => {
    const admin = await target('admin');
    const writer = callers.write;
    assertError(await t.call({ method: 'POST', url: `${keyPath(owner, admin.name)}/rotate`, key: writer }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'PATCH', url: keyPath(owner, admin.name), key: writer, payload: { permissions: ['read'] } }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'PATCH', url: keyPath(owner, admin.name), key: writer, payload: { status: 'revoked' } }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'DELETE', url: keyPath(owner, admin.name), key: writer }), 403, 'ForbiddenError');
    // Raising one's own key is refused too.
    assertError(await t.call({ method: 'PATCH', url: keyPath(owner, 'caller-write'), key: writer, payload: { permissions: ['admin'] } }), 403, 'ForbiddenError');
    // The admin key still acts as admin.
    const patch = await t.call({ method: 'PATCH', url: '/v1/organizations', key: admin.secret, payload: { organization_name: 'Still mine' } });
    assert.equal(patch.statusCode, 200, patch.body);
  });

  test("no key holds more than its owner's role allows, on create and on update", async () => {
    for (const [role, ceiling] of [
      ['viewer', 'read'],
      ['member', 'delete'],
    ] as const) {
      const email = `${uniqueName(role)}@example.com`;
      await createUser(t, { email, role });
      const above = LEVELS[LEVELS.indexOf(ceiling) + 1]!;
      const refused = assertError(await t.call({ method: 'POST', url: keysOf(email), payload: { name: 'too-much', permissions: [above] } }), 400, 'BadRequestError');
      assert.equal(refused.error.code, 'permission_exceeds_role');
      assert.deepEqual(refused.error.details, { role, max_permission: ceiling, requested: above });
      const ok = await t.call({ method: 'POST', url: keysOf(email), payload: { name: 'fits', permissions: [ceiling] } });
      assert.equal(ok.statusCode, 200, ok.body);
      assertError(await t.call({ method: 'PATCH', url: keyPath(email, 'fits'), payload: { permissions: [above] } }), 400, 'BadRequestError');
      const list = await t.call({ method: 'GET', url: keysOf(email) });
      assert.deepEqual(
        (list.json().results as Record<string, any>[]).map((k) => [k.name, k.permissions]),
        [['fits', [ceiling]]],
      );
    }
  });
});

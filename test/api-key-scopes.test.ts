// API-key scopes are enforced at admission: a key with scopes reaches only the resources they name
// (literal id, "*" or a prefix wildcard), a namespace-scoped key may read its own organization and
// nothing else organization-level, and no key hands out or takes over more reach than it has.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createKey, createUser, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { assertOutOfScope, scopedKey } from './helpers/scoped-keys.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';
import path from 'node:path';
import { REPO_ROOT } from './helpers/run-node.ts';
import { OPERATIONS } from '../src/api/operations-catalogue.ts';

const doc = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
};
const ADMIN_EMAIL = 'admin@tessera.local';

describe(`API-key scopes [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('a key scoped to namespaces reads its own organization and is refused (403) on every other organization-level route', async () => {
    const key = await scopedKey(t, [{ resource_type: 'namespace', resource_id: 'ns_customer_*' }]);
    const org = await t.call({ method: 'GET', url: '/v1/organizations', key });
    assert.equal(org.statusCode, 200, org.body);
    let checked = 0;
    for (const [pathTemplate, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.security || op.operationId === 'get_organization_v1_organizations_get') continue;
        // Namespaced operations (and the namespaces' own) check a namespace-scoped key against the namespace they address.
        const policy = OPERATIONS[op.operationId];
        if (policy?.namespace || policy?.openToScopedKeys) continue;
        const url = pathTemplate
          .replace('{user_email}', encodeURIComponent(ADMIN_EMAIL))
          .replace('{key_name}', 'admin-key')
          .replace('{key_id}', 'key_unknown')
          .replace('{secret_name}', 'a_secret');
        const res = await t.call({ method: method.toUpperCase() as 'GET', url, key, payload: method === 'get' || method === 'delete' ? undefined : {} });
        assert.equal(res.statusCode, 403, `${method.toUpperCase()} ${pathTemplate}: ${res.body}`);
        assert.ok(assertError(res, 403, 'ForbiddenError').error.details.required_scope, `${method.toUpperCase()} ${pathTemplate} names the missing scope`);
        checked++;
      }
    }
    assert.ok(checked >= 25, `every authenticated route but one was checked (${checked})`);
    // Nothing changed: the organization still reads the same.
    assert.deepEqual((await t.call({ method: 'GET', url: '/v1/organizations', key })).json().rate_limits, org.json().rate_limits);
  });

  test('an organization scope reaches organization, billing, usage and secrets routes, not users or keys', async () => {
    const key = await scopedKey(t, [{ resource_type: 'organization', resource_id: '*' }]);
    assert.equal((await t.call({ method: 'PATCH', url: '/v1/organizations', key, payload: { metadata: { scoped: true } } })).statusCode, 200);
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations/billing/balance', key })).statusCode, 200);
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations/secrets', key })).statusCode, 200);
    assertOutOfScope(await t.call({ method: 'GET', url: '/v1/organizations/users', key }), 'user', '*');
    assertOutOfScope(await t.call({ method: 'GET', url: `/v1/organizations/users/${encodeURIComponent(ADMIN_EMAIL)}/api-keys`, key }), 'api_key', '*');
  });

  test("a literal id reaches that resource only; a prefix wildcard reaches ids with that prefix; another organization's id does not match", async () => {
    const org = (await t.call({ method: 'GET', url: '/v1/organizations' })).json().organization_id as string;
    const alice = `${uniqueName('alice')}@example.com`;
    const bob = `${uniqueName('bob')}@example.com`;
    await createUser(t, { email: alice });
    await createUser(t, { email: bob });
    const onlyAlice = await scopedKey(t, [{ resource_type: 'user', resource_id: alice }], ['read']);
    assert.equal((await t.call({ method: 'GET', url: `/v1/organizations/users/${encodeURIComponent(alice.toUpperCase())}`, key: onlyAlice })).statusCode, 200);
    assertOutOfScope(await t.call({ method: 'GET', url: `/v1/organizations/users/${encodeURIComponent(bob)}`, key: onlyAlice }), 'user', bob);
    assertOutOfScope(await t.call({ method: 'GET', url: '/v1/organizations/users', key: onlyAlice }), 'user', '*');

    const prefixed = await scopedKey(t, [{ resource_type: 'user', resource_id: 'alice_*' }], ['read']);
    assert.equal((await t.call({ method: 'GET', url: `/v1/organizations/users/${encodeURIComponent(alice)}`, key: prefixed })).statusCode, 200);
    assertOutOfScope(await t.call({ method: 'GET', url: `/v1/organizations/users/${encodeURIComponent(bob)}`, key: prefixed }), 'user');

    const ownOrg = await scopedKey(t, [{ resource_type: 'organization', resource_id: org }], ['read']);
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations/billing/balance', key: ownOrg })).statusCode, 200);
    const otherOrg = await scopedKey(t, [{ resource_type: 'organization', resource_id: 'org_someone_else' }], ['read']);
    assertOutOfScope(await t.call({ method: 'GET', url: '/v1/organizations/billing/balance', key: otherOrg }), 'organization', org);
  });

  test('a scoped key cannot create a global key, grant scopes beyond its own, or take over a key that reaches further', async () => {
    const own = [
      { resource_type: 'api_key', resource_id: '*' },
      { resource_type: 'namespace', resource_id: 'ns_a_*', operations: ['read_data', 'write_data'] },
    ];
    const email = `${uniqueName('keeper')}@example.com`;
    await createUser(t, { email, role: 'admin' });
    const keeper = (await createKey(t, email, { name: 'keeper', permissions: ['admin'], scopes: own })).key;
    const keys = `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`;
    const create = (scopes: unknown) => t.call({ method: 'POST', url: keys, key: keeper, payload: { name: uniqueName('k'), permissions: ['read'], scopes } });

    assertError(await create([]), 403, 'ForbiddenError');
    assertError(await create(null), 403, 'ForbiddenError');
    assertError(await create([{ resource_type: 'namespace', resource_id: 'ns_b' }]), 403, 'ForbiddenError');
    assertError(await create([{ resource_type: 'namespace', resource_id: '*' }]), 403, 'ForbiddenError');
    assertError(await create([{ resource_type: 'namespace', resource_id: 'ns_a_x', operations: ['delete_data'] }]), 403, 'ForbiddenError');
    assertError(await create([{ resource_type: 'namespace', resource_id: 'ns_a_x', operations: null }]), 403, 'ForbiddenError');
    const narrower = await create([{ resource_type: 'namespace', resource_id: 'ns_a_x', operations: ['read_data'] }]);
    assert.equal(narrower.statusCode, 200, narrower.body);
    assert.equal((await create([{ resource_type: 'namespace', resource_id: 'ns_a_team_*' }].map((s) => ({ ...s, operations: ['write_data'] })))).statusCode, 200);

    // A global key of the same user is out of reach: rotating it would hand over global reach.
    await createKey(t, email, { name: 'global', permissions: ['read'] });
    assertError(await t.call({ method: 'POST', url: `${keys}/global/rotate`, key: keeper }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'DELETE', url: `${keys}/global`, key: keeper }), 403, 'ForbiddenError');
    // Widening its own scopes to global is refused too.
    assertError(await t.call({ method: 'PATCH', url: `${keys}/keeper`, key: keeper, payload: { scopes: [] } }), 403, 'ForbiddenError');
    const listed = (await t.call({ method: 'GET', url: keys })).json().results as { name: string; scopes: unknown[]; status: string }[];
    assert.equal(listed.find((k) => k.name === 'global')?.status, 'active');
    assert.deepEqual(listed.find((k) => k.name === 'keeper')?.scopes.length, 2);
  });

  test('global keys (no scopes) are unaffected', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/organizations/users' });
    assert.equal(res.statusCode, 200);
  });
});

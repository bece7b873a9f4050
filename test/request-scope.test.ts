// The request scope's seams before namespaces exist: entering a namespace (the X-Namespace hook),
// the scope a worker rebuilds from a job's payload, and tenant repositories that cannot read across
// organizations. Namespaces arrive with the ingestion work; here the directory holds two namespaces
// of the test's organization (the port's contract, not a stand-in for a stored table).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NamespaceResolution, type NamespaceDirectory } from '../src/engine/scope/namespace-resolution.ts';
import { jobTenantOf, scopeForJob } from '../src/engine/scope/job-scope.ts';
import type { NamespaceRef, RequestScope, TenantScope } from '../src/engine/scope/request-scope.ts';
import { Type } from '@sinclair/typebox';
import { defineOperation, registerOperations } from '../src/api/define-operation.ts';
import { requireApiKey } from '../src/api/plugins/authentication.ts';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { assertOutOfScope, scopedKey } from './helpers/scoped-keys.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

/** Two namespaces that belong to one organization only. */
function directoryOf(organizationInternalId: string): NamespaceDirectory {
  const namespaces: NamespaceRef[] = [
    { namespaceId: 'ns_alpha_one', namespaceName: 'alpha-one' },
    { namespaceId: 'ns_beta_two', namespaceName: 'beta-two' },
  ];
  return {
    find: async (tenant: TenantScope, identifier: string) =>
      tenant.organization.internalId === organizationInternalId ? namespaces.find((n) => n.namespaceId === identifier || n.namespaceName === identifier) : undefined,
  };
}

async function rejectsWith(promise: Promise<unknown>, status: number, check: (err: any) => void = () => {}): Promise<void> {
  await assert.rejects(promise, (err: any) => {
    assert.equal(err.status, status, String(err));
    check(err);
    return true;
  });
}

describe(`request scope [${BACKEND}]`, () => {
  let t: TestApp;
  let own: RequestScope;
  let resolution: NamespaceResolution;

  const scopeOfKey = (key: string) => t.app.services.authenticator.authenticate(`Bearer ${key}`);

  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
    own = await scopeOfKey(t.adminKey);
    resolution = new NamespaceResolution(directoryOf(own.organization.internalId));
  });
  after(() => t.close());

  test('a key authenticates to a scope of its organization, its key and user, and no namespace', async () => {
    assert.equal(own.namespace, null);
    assert.equal(own.permission, 'admin');
    assert.equal(own.actor.kind, 'api_key');
  });

  test('entering a namespace by id or by name puts it in the scope; the original scope is unchanged', async () => {
    const byId = await resolution.enter(own, 'ns_alpha_one');
    const byName = await resolution.enter(own, 'alpha-one');
    assert.deepEqual(byId.namespace, byName.namespace);
    assert.equal(byId.namespace?.namespaceId, 'ns_alpha_one');
    assert.equal(byId.organization, own.organization);
    assert.equal(own.namespace, null);
  });

  test('an unknown namespace and another organization\'s are the same 404', async () => {
    await rejectsWith(resolution.enter(own, 'ns_nowhere'), 404, (err) => assert.deepEqual(err.details, { resource: 'namespace', id: 'ns_nowhere' }));
    const other = await otherOrganization(t);
    const theirs = await scopeOfKey(other.apiKey);
    // The directory holds the namespace, but for the first organization only.
    await rejectsWith(resolution.enter(theirs, 'ns_alpha_one'), 404, (err) => assert.deepEqual(err.details, { resource: 'namespace', id: 'ns_alpha_one' }));
  });

  test('a namespace-scoped key enters the namespaces its scopes cover, for the operations they allow', async () => {
    const alphaReader = await scopeOfKey(await scopedKey(t, [{ resource_type: 'namespace', resource_id: 'ns_alpha_*', operations: ['read_data'] }]));
    assert.equal((await resolution.enter(alphaReader, 'alpha-one', 'read_data')).namespace?.namespaceId, 'ns_alpha_one');
    assert.equal((await resolution.enter(alphaReader, 'alpha-one')).namespace?.namespaceId, 'ns_alpha_one', 'no operation named: the namespace scope suffices');
    await rejectsWith(resolution.enter(alphaReader, 'alpha-one', 'write_data'), 403, (err) =>
      assert.deepEqual(err.details.required_scope, { resource_type: 'namespace', resource_id: 'ns_alpha_one', operations: ['write_data'] }),
    );
    // By name too: the check is on the resolved id, so a name cannot slip past a pattern.
    await rejectsWith(resolution.enter(alphaReader, 'beta-two', 'read_data'), 403, (err) =>
      assert.deepEqual(err.details.required_scope, { resource_type: 'namespace', resource_id: 'ns_beta_two', operations: ['read_data'] }),
    );
    const anyOperation = await scopeOfKey(await scopedKey(t, [{ resource_type: 'namespace', resource_id: 'ns_beta_two', operations: null }]));
    assert.equal((await resolution.enter(anyOperation, 'ns_beta_two', 'delete_data')).namespace?.namespaceName, 'beta-two');
    await rejectsWith(resolution.enter(anyOperation, 'ns_alpha_one'), 403);
  });

  test('a key scoped to users only enters no namespace; one scoped to collections is left to the collection routes', async () => {
    const usersOnly = await scopeOfKey(await scopedKey(t, [{ resource_type: 'user', resource_id: '*' }]));
    await rejectsWith(resolution.enter(usersOnly, 'ns_alpha_one'), 403, (err) => assert.equal(err.details.required_scope.resource_type, 'namespace'));
    const collections = await scopeOfKey(await scopedKey(t, [{ resource_type: 'collection', resource_id: 'col_*' }]));
    assert.equal((await resolution.enter(collections, 'ns_alpha_one')).namespace?.namespaceId, 'ns_alpha_one');
  });

  test('a job rebuilds its scope from its payload: the same organization, the system as actor, admin within that tenant', async () => {
    const payload = jobTenantOf(own);
    assert.deepEqual(payload, { organization_id: own.organization.organizationId, namespace_id: null });
    const jobScope = await scopeForJob(t.app.metadataStore, resolution, payload, 'job_123');
    assert.equal(jobScope.organization.internalId, own.organization.internalId);
    assert.deepEqual(jobScope.actor, { kind: 'system', name: 'worker:job_123' });
    assert.equal(jobScope.permission, 'admin');
    assert.equal(jobScope.namespace, null);

    const inNamespace = await scopeForJob(t.app.metadataStore, resolution, { ...payload, namespace_id: 'ns_beta_two' }, 'job_124');
    assert.equal(inNamespace.namespace?.namespaceName, 'beta-two');
    assert.deepEqual(jobTenantOf(inNamespace), { organization_id: own.organization.organizationId, namespace_id: 'ns_beta_two' });

    await rejectsWith(scopeForJob(t.app.metadataStore, resolution, { organization_id: 'org_gone' }, 'job_125'), 404);
    await rejectsWith(scopeForJob(t.app.metadataStore, resolution, { ...payload, namespace_id: 'ns_gone' }, 'job_126'), 404);
  });

  test('tenant repositories read within the scope they are given: another organization\'s user and key are not there', async () => {
    const other = await otherOrganization(t);
    const theirs = await scopeOfKey(other.apiKey);
    assert.equal(theirs.actor.kind, 'api_key');
    if (theirs.actor.kind !== 'api_key') return;
    const store = t.app.metadataStore;
    assert.ok(await store.users.findByEmail(theirs, other.adminEmail));
    assert.equal(await store.users.findByEmail(own, other.adminEmail), undefined);
    assert.equal(await store.users.findById(own, theirs.actor.user.userId), undefined);
    assert.equal(await store.apiKeys.findById(own, theirs.actor.apiKey.keyId), undefined);
    assert.equal(await store.apiKeys.update(own, theirs.actor.apiKey.keyId, { description: 'taken over' }), undefined);
    assert.equal((await store.apiKeys.findById(theirs, theirs.actor.apiKey.keyId))?.description, theirs.actor.apiKey.description, 'their key is untouched');
    assert.equal(await store.apiKeys.revokeAllForUser(own, theirs.actor.user.userId, new Date().toISOString(), null), 0);
    assert.equal((await scopeOfKey(other.apiKey)).actor.kind, 'api_key', 'their key still authenticates');
  });
});

describe(`X-Namespace at admission [${BACKEND}]`, () => {
  let t: TestApp;

  /** A namespaced operation that answers with the namespace admission put in its scope. */
  const whereAmI = defineOperation({
    operationId: 'test_where_am_i',
    method: 'GET',
    url: '/v1/test-where-am-i',
    policy: { category: 'metadata', permission: 'read', credits: 0, namespace: { operation: 'read_data' } },
    schema: { response: { 200: Type.Object({ namespace_id: Type.Union([Type.String(), Type.Null()]), organization_id: Type.String() }) } },
    handler: async (_request, scope) => ({ namespace_id: scope.namespace?.namespaceId ?? null, organization_id: scope.organization.organizationId }),
  });

  before(async () => {
    t = await createTestApp({}, {
      extend: async (app) => {
        await app.register(async (scope) => {
          requireApiKey(scope);
          registerOperations(scope, [whereAmI]);
        });
      },
    });
    await upgradeToTeam(t);
    const own = await t.app.services.authenticator.authenticate(`Bearer ${t.adminKey}`);
    // The namespaces port has no table yet: this app's organization gets the two test namespaces.
    (t.app.services as { namespaceResolution: NamespaceResolution }).namespaceResolution = new NamespaceResolution(directoryOf(own.organization.internalId));
  });
  after(() => t.close());

  const where = (headers: Record<string, string>, key?: string) => t.call({ method: 'GET', url: '/v1/test-where-am-i', headers, ...(key ? { key } : {}) });

  test('X-Namespace by id or name, or X-Namespace-Id, puts the namespace in the handler\'s scope; none leaves it out', async () => {
    for (const headers of [{ 'x-namespace': 'ns_alpha_one' }, { 'x-namespace': 'alpha-one' }, { 'x-namespace-id': 'ns_alpha_one' }] as Record<string, string>[]) {
      const res = await where(headers);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().namespace_id, 'ns_alpha_one');
    }
    const none = await where({});
    assert.equal(none.statusCode, 200, none.body);
    assert.equal(none.json().namespace_id, null);
  });

  test('an unknown namespace, or another organization\'s, is 404 naming the namespace; an empty header is 400', async () => {
    const unknown = assertError(await where({ 'x-namespace': 'ns_nowhere' }), 404, 'NotFoundError');
    assert.equal(unknown.error.details.resource, 'namespace');
    const other = await otherOrganization(t);
    const theirs = assertError(await where({ 'x-namespace': 'ns_alpha_one' }, other.apiKey), 404, 'NotFoundError');
    assert.deepEqual(theirs.error.details, { resource: 'namespace', id: 'ns_alpha_one' });
    assertError(await where({ 'x-namespace': '  ' }), 400, 'BadRequestError');
  });

  test('a namespace-scoped key gets 403 outside its namespaces and for operations its scope does not allow', async () => {
    const alpha = await scopedKey(t, [{ resource_type: 'namespace', resource_id: 'ns_alpha_*', operations: ['read_data'] }], ['read']);
    assert.equal((await where({ 'x-namespace': 'alpha-one' }, alpha)).statusCode, 200);
    assertOutOfScope(await where({ 'x-namespace': 'beta-two' }, alpha), 'namespace', 'ns_beta_two');
    const writer = await scopedKey(t, [{ resource_type: 'namespace', resource_id: '*', operations: ['write_data'] }], ['read']);
    assertOutOfScope(await where({ 'x-namespace': 'alpha-one' }, writer), 'namespace', 'ns_alpha_one');
  });
});

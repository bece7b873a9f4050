// Read-cache invalidation: writes drop exactly what they changed (by organization, by key), the
// store reports what every committed write changed, and with Redis every API process drops what
// any of them wrote within milliseconds, not after the cache TTL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test, type TestContext } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { attribute } from '../src/adapters/metadata/change-recorder.ts';
import type { Database } from '../src/adapters/metadata/database-types.ts';
import { openMetadataStore } from '../src/compose.ts';
import type { MetadataStore } from '../src/engine/ports/metadata-store.ts';
import type { ChangeSet } from '../src/engine/ports/data-changes.ts';
import { sha256Hex } from '../src/lib/secrets.ts';
import { createKey, createUser, otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { startRedis, type PrivateRedis } from './helpers/redis-server.ts';
import { startServer, storeEnv, type ServerProcess } from './helpers/server-process.ts';
import { BACKEND, createTestApp, freshStore, uniqueName, type TestApp } from './helpers/test-app.ts';
import { dropRedisPrefix } from './helpers/shared-redis.ts';
import { scopeFor } from './helpers/scopes.ts';

const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL;
/** Long enough that only an invalidation (never the TTL) can explain a change showing up. */
const LONG_TTL_MS = 60_000;
/** The bound: a change made through one process is enforced by the others within this. */
const PROPAGATION_BOUND_MS = 100;

async function internalIdOf(t: TestApp, key: string): Promise<string> {
  const apiKey = await t.app.metadataStore.apiKeys.findByHash(sha256Hex(key));
  assert.ok(apiKey);
  return apiKey.organizationInternalId;
}

/** The same store as the app's, opened separately: its writes reach the app's cache only through the TTL. */
async function behindTheAppsBack(t: TestApp): Promise<MetadataStore> {
  return openMetadataStore(t.config);
}

describe(`read-cache invalidation by scope [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ cacheTtlMs: LONG_TTL_MS });
  });
  after(async () => {
    await t.close();
  });

  test('a top-up, a credit spend and a PATCH in one organization leave another organization cached', async () => {
    const other = await otherOrganization(t);
    const otherInternalId = await internalIdOf(t, other.apiKey);
    const ownInternalId = await internalIdOf(t, t.adminKey);
    // Cache the other organization's caller and view.
    const warm = await t.call({ method: 'GET', url: '/v1/organizations', key: other.apiKey });
    assert.equal(warm.statusCode, 200, warm.body);

    // Revoke its key and rename it where the app cannot see it: only a dropped cache entry would show either.
    const direct = await behindTheAppsBack(t);
    try {
      const key = await direct.apiKeys.findByHash(sha256Hex(other.apiKey));
      await direct.apiKeys.update(await scopeFor(direct, otherInternalId), key!.keyId, { status: 'revoked' });
      await direct.organizations.update(otherInternalId, { organizationName: 'Renamed Behind The Back' }, new Date().toISOString());
    } finally {
      await direct.close();
    }

    // Writes in this organization: a top-up, a spend (what priced routes do), a PATCH.
    assert.equal((await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 10 } })).statusCode, 200);
    await t.app.services.credits.spend(await scopeFor(t.app.metadataStore, ownInternalId), { operation: 'test', credits: 1, referenceId: uniqueName('spend') });
    assert.equal((await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { organization_name: 'Still Mine' } })).statusCode, 200);
    const own = await t.call({ method: 'GET', url: '/v1/organizations' });
    assert.equal(own.json().organization_name, 'Still Mine');

    // The other organization's entries survived all three.
    const cached = await t.call({ method: 'GET', url: '/v1/organizations', key: other.apiKey });
    assert.equal(cached.statusCode, 200, 'the other organization still answers from its cached caller');
    assert.equal(cached.json().organization_name, 'Other Org', 'and from its cached view');

    // A write in the other organization itself drops its entries: the revocation now shows.
    await t.app.services.credits.spend(await scopeFor(t.app.metadataStore, otherInternalId), { operation: 'test', credits: 1, referenceId: uniqueName('spend') });
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key: other.apiKey })).statusCode, 401);
  });

  test('a change to one key drops that key only, not the other callers of its organization', async () => {
    await upgradeToTeam(t);
    const a = await createUser(t, { email: `${uniqueName('a')}@example.com`, role: 'member' });
    const first = await createKey(t, a.email, { name: 'first', permissions: ['read'] });
    const second = await createKey(t, a.email, { name: 'second', permissions: ['read'] });
    const orgId = await internalIdOf(t, t.adminKey);
    for (const key of [first.key, second.key]) assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key })).statusCode, 200);

    const direct = await behindTheAppsBack(t);
    try {
      const secondKey = await direct.apiKeys.findByHash(sha256Hex(second.key));
      await direct.apiKeys.update(await scopeFor(direct, orgId), secondKey!.keyId, { status: 'revoked' });
    } finally {
      await direct.close();
    }
    // Changing the first key through the app leaves the second one's cached caller in place...
    const patched = await t.call({ method: 'PATCH', url: `/v1/organizations/users/${encodeURIComponent(a.email)}/api-keys/first`, payload: { description: 'changed' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key: second.key })).statusCode, 200);
    // ...while a user change (organization scope) drops every caller of the organization.
    assert.equal((await t.call({ method: 'PATCH', url: `/v1/organizations/users/${encodeURIComponent(a.email)}`, payload: { user_name: 'Renamed' } })).statusCode, 200);
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations', key: second.key })).statusCode, 401);
  });

  test('the store reports each committed write by scope, never a rolled-back one, never "everything"', async () => {
    const seen: ChangeSet[] = [];
    const stop = t.app.metadataStore.onCommittedChanges((changes) => seen.push(changes));
    try {
      const orgId = await internalIdOf(t, t.adminKey);
      const expectChanges = async (what: string, action: () => Promise<unknown>, expected: Omit<ChangeSet, 'everything'> | null) => {
        seen.length = 0;
        await action();
        if (expected === null) assert.deepEqual(seen, [], `${what} reports nothing`);
        else assert.deepEqual(seen, [{ everything: false, ...expected }], `${what} reports its scope`);
      };
      const email = `${uniqueName('s')}@example.com`;
      await expectChanges('creating a user', () => createUser(t, { email, role: 'member' }), { organizations: [orgId], keys: [] });
      await expectChanges('a refused duplicate (rolled back)', () => t.call({ method: 'POST', url: '/v1/organizations/users', payload: { email, user_name: 'Dup' } }), null);
      const created = await createKey(t, email, { name: 'k', permissions: ['read'] });
      const key = await t.app.metadataStore.apiKeys.findByHash(sha256Hex(created.key));
      const keyPath = `/v1/organizations/users/${encodeURIComponent(email)}/api-keys/k`;
      // Its first use writes last_used_at only, which invalidates nothing.
      await expectChanges('a first use (last_used_at)', () => t.call({ method: 'GET', url: '/v1/organizations', key: created.key }), null);
      await expectChanges('a key PATCH', () => t.call({ method: 'PATCH', url: keyPath, payload: { permissions: ['write'] } }), { organizations: [], keys: [key!.keyId] });
      await expectChanges('a rotation', () => t.call({ method: 'POST', url: `${keyPath}/rotate` }), { organizations: [], keys: [key!.keyId] });
      await expectChanges('a revocation', () => t.call({ method: 'DELETE', url: keyPath }), { organizations: [], keys: [key!.keyId] });
      await expectChanges('an organization PATCH', () => t.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { search: 77 } } }), { organizations: [orgId], keys: [] });
      await expectChanges('a top-up', () => t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 5 } }), { organizations: [orgId], keys: [] });
      await expectChanges('a user deletion', () => t.call({ method: 'DELETE', url: `/v1/organizations/users/${encodeURIComponent(email)}` }), { organizations: [orgId], keys: [] });
      await expectChanges('spending caps', () => t.call({ method: 'POST', url: '/v1/organizations/billing/spending-caps', payload: { monthly_spending_budget: 5000 } }), { organizations: [orgId], keys: [] });
    } finally {
      stop();
    }
  });
});

describe('the change recorder attributes statements from their query trees', () => {
  // Only builds query trees: nothing is executed against this database.
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  after(() => db.destroy());
  const of = (query: { toOperationNode(): unknown }) => attribute(query.toOperationNode() as Parameters<typeof attribute>[0]);

  test('writes naming an organization or keys are scoped to them', () => {
    assert.deepEqual(of(db.updateTable('users').set({ role: 'viewer' }).where('organization_internal_id', '=', 'o1').where('user_id', '=', 'u1')), { kind: 'organizations', ids: ['o1'] });
    assert.deepEqual(of(db.deleteFrom('users').where('organization_internal_id', 'in', ['o1', 'o2'])), { kind: 'organizations', ids: ['o1', 'o2'] });
    assert.deepEqual(of(db.updateTable('organizations').set({ organization_name: 'x' }).where('internal_id', '=', 'o1')), { kind: 'organizations', ids: ['o1'] });
    assert.deepEqual(of(db.updateTable('api_keys').set({ status: 'revoked' }).where('organization_internal_id', '=', 'o1').where('key_id', '=', 'k1')), { kind: 'keys', ids: ['k1'] });
    assert.deepEqual(of(db.updateTable('api_keys').set({ status: 'revoked' }).where('organization_internal_id', '=', 'o1').where('user_id', '=', 'u1')), { kind: 'organizations', ids: ['o1'] });
  });

  test('writes that change nothing cached are not reported', () => {
    assert.deepEqual(of(db.updateTable('api_keys').set({ last_used_at: 'now' }).where('key_id', '=', 'k1')), { kind: 'none' });
    assert.deepEqual(of(db.updateTable('organizations').set({ internal_id: sql`internal_id` }).where('internal_id', '=', 'o1')), { kind: 'none' });
    assert.deepEqual(of(db.selectFrom('users').selectAll().where('organization_internal_id', '=', 'o1')), { kind: 'none' });
  });

  test('what cannot be attributed empties the whole cache', () => {
    assert.deepEqual(of(db.updateTable('users').set({ role: 'viewer' })), { kind: 'everything' }, 'no WHERE');
    assert.deepEqual(of(db.updateTable('users').set({ role: 'viewer' }).where((eb) => eb.or([eb('organization_internal_id', '=', 'o1'), eb('user_id', '=', 'u1')]))), { kind: 'everything' }, 'OR');
    assert.deepEqual(of(db.updateTable('api_keys').set({ status: 'revoked' }).where('user_id', '=', 'u1')), { kind: 'everything' }, 'no organization or key');
    assert.deepEqual(of(sql`delete from users`), { kind: 'everything' }, 'raw SQL');
  });
});

/** Two real API processes on one store and one Redis. */
interface Pair {
  a: ServerProcess;
  b: ServerProcess;
  adminKey: string;
  close(): Promise<void>;
}

async function startPair(redisUrl: string, prefix: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Pair> {
  const store = await freshStore();
  const adminKey = `sk_test_${randomBytes(24).toString('base64url')}`;
  const env = {
    ...storeEnv(store.settings),
    TESSERA_BOOTSTRAP_API_KEY: adminKey,
    TESSERA_REDIS_URL: redisUrl,
    TESSERA_REDIS_PREFIX: prefix,
    TESSERA_CACHE_TTL_MS: String(LONG_TTL_MS),
    TESSERA_RATE_LIMITING: 'false',
    ...extraEnv,
  };
  const started: ServerProcess[] = [];
  const close = async () => {
    await Promise.all(started.map((s) => s.stop()));
    await store.drop();
  };
  try {
    // One after the other: the first migrates and bootstraps the store.
    started.push(await startServer(env));
    started.push(await startServer(env));
  } catch (err) {
    await close();
    throw err;
  }
  return { a: started[0]!, b: started[1]!, adminKey, close };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function call(server: ServerProcess, key: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A call that must succeed; returns its JSON body. */
/**
 * A setup or change request that must succeed. A 503 (the shared SQLite file busy past its timeout
 * while other suites load the disk) is retried as Retry-After says, as any client would: what these
 * tests measure starts after the change is answered.
 */
async function ok(server: ServerProcess, key: string, method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  let res = await call(server, key, method, path, body);
  for (let attempt = 0; res.status === 503 && attempt < 3; attempt++) {
    await new Promise((r) => setTimeout(r, 1000));
    res = await call(server, key, method, path, body);
  }
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} on ${server.url}: ${res.status} ${res.text}`);
  return res.text ? JSON.parse(res.text) : {};
}

/** When, after the change, the first request that saw it was sent and answered. */
interface Propagation {
  sentMs: number;
  answeredMs: number;
}

/**
 * Sends the request to the server again and again until `done` accepts a response; fails after
 * `limitMs`. Times are measured from `since`.
 */
async function pollUntil(
  server: ServerProcess,
  key: string,
  request: { method: string; path: string; body?: unknown },
  done: (res: Answer) => boolean,
  since: number,
  limitMs: number,
): Promise<Propagation> {
  const { method, path, body } = request;
  let last: Answer | undefined;
  while (performance.now() - since < limitMs) {
    const sent = performance.now();
    last = await call(server, key, method, path, body);
    if (done(last)) return { sentMs: sent - since, answeredMs: performance.now() - since };
  }
  assert.fail(`${method} ${path} on the other process still answered ${last?.status} ${limitMs} ms after the change`);
}

/** A write on A, timed from its response. */
async function changeOn(server: ServerProcess, key: string, method: string, path: string, body?: unknown): Promise<number> {
  const res = await call(server, key, method, path, body);
  const at = performance.now();
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status}`);
  return at;
}

/** Waits for a line in the process's output (it reaches this process a moment after it was written). */
async function logged(server: ServerProcess, line: RegExp, timeoutMs = 2000): Promise<void> {
  const start = performance.now();
  while (!line.test(server.output())) {
    if (performance.now() - start > timeoutMs) assert.fail(`${server.url} did not log ${line}:\n${server.output().slice(-2000)}`);
    await delay(20);
  }
}


describe(`cross-process invalidation over Redis [${BACKEND}]`, { skip: REDIS_URL ? false : 'TESSERA_TEST_REDIS_URL is not set' }, () => {
  let pair: Pair;
  const prefix = `tessera-test-${randomBytes(4).toString('hex')}:`;
  const latencies: Record<string, string> = {};
  before(async () => {
    // Rate limiting on, with the shared counter, for the limit-change test; limits raised first
    // (through A, before B has cached anything) so polling never hits them.
    pair = await startPair(REDIS_URL!, prefix, { TESSERA_RATE_LIMITING: 'true' });
    await ok(pair.a, pair.adminKey, 'PATCH', '/v1/organizations', { rate_limits: { metadata: 100_000, data: 100_000, search: 100_000, upload: 100_000, compute: 100_000 } });
    await ok(pair.a, pair.adminKey, 'POST', '/v1/organizations/credits', { credits: 1_000_000 }); // team tier: room for keys
  });
  after(async () => {
    await pair?.close();
    await dropRedisPrefix(prefix);
    if (Object.keys(latencies).length > 0) console.log(`cross-process invalidation latencies [${BACKEND}] (ms after A's response):`, latencies);
  });

  async function userWithKey(role: string, permissions: string[]): Promise<{ email: string; key: string }> {
    const email = `${uniqueName(role)}@example.com`;
    await ok(pair.a, pair.adminKey, 'POST', '/v1/organizations/users', { email, user_name: 'Cross Process', role });
    const created = await ok(pair.a, pair.adminKey, 'POST', `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`, { name: 'k', permissions });
    return { email, key: created.key };
  }

  /** Uses the key on B twice, so B serves it from its cache. */
  async function warmOnB(key: string): Promise<void> {
    for (let i = 0; i < 2; i++) await ok(pair.b, key, 'GET', '/v1/organizations');
  }

  /**
   * The bound applies to when the first request that saw the change was sent: its answer time
   * adds B's own handling (a reload from the store) and this machine's load.
   */
  function record(t: TestContext, name: string, p: Propagation): void {
    latencies[name] = `sent +${p.sentMs.toFixed(1)} ms, answered +${p.answeredMs.toFixed(1)} ms`;
    t.diagnostic(`${name}: first request B refused/applied it for was sent ${p.sentMs.toFixed(1)} ms after A's response, answered at ${p.answeredMs.toFixed(1)} ms`);
    assert.ok(p.sentMs <= PROPAGATION_BOUND_MS, `${name} reached the other process only after ${p.sentMs.toFixed(1)} ms`);
  }

  test('a key revoked on A is refused by B within 100 ms', async (t) => {
    const { email, key } = await userWithKey('member', ['read']);
    await warmOnB(key);
    const at = await changeOn(pair.a, pair.adminKey, 'DELETE', `/v1/organizations/users/${encodeURIComponent(email)}/api-keys/k`);
    record(t, 'revocation', await pollUntil(pair.b, key, { method: 'GET', path: '/v1/organizations' }, (r) => r.status === 401, at, 2000));
  });

  test("a key's permissions lowered on A are enforced by B within 100 ms", async (t) => {
    const { email, key } = await userWithKey('admin', ['admin']);
    await warmOnB(key);
    // An admin route whose handler never runs (the body is invalid), so B itself writes nothing
    // (a write on B would drop B's entries and hide what the bus does): 422 while the key is admin,
    // 403 once it is read-only.
    const probe = { method: 'PATCH', path: '/v1/organizations', body: { rate_limits: 'invalid' } };
    assert.equal((await call(pair.b, key, probe.method, probe.path, probe.body)).status, 422);
    const at = await changeOn(pair.a, pair.adminKey, 'PATCH', `/v1/organizations/users/${encodeURIComponent(email)}/api-keys/k`, { permissions: ['read'] });
    record(t, 'permission change', await pollUntil(pair.b, key, probe, (r) => r.status === 403, at, 2000));
  });

  test('a user suspended on A is refused by B within 100 ms', async (t) => {
    const { email, key } = await userWithKey('member', ['read']);
    await warmOnB(key);
    const at = await changeOn(pair.a, pair.adminKey, 'PATCH', `/v1/organizations/users/${encodeURIComponent(email)}`, { status: 'suspended' });
    record(t, 'user suspension', await pollUntil(pair.b, key, { method: 'GET', path: '/v1/organizations' }, (r) => r.status === 401, at, 2000));
  });

  test("an organization's rate limit changed on A is enforced by B within 100 ms", async (t) => {
    const { key } = await userWithKey('member', ['read']);
    await warmOnB(key);
    const before = await call(pair.b, key, 'GET', '/v1/organizations');
    assert.equal(before.headers.get('x-ratelimit-limit'), '100000');
    const at = await changeOn(pair.a, pair.adminKey, 'PATCH', '/v1/organizations', { rate_limits: { metadata: 100_001 } });
    record(t, 'rate-limit change', await pollUntil(pair.b, key, { method: 'GET', path: '/v1/organizations' }, (r) => r.headers.get('x-ratelimit-limit') === '100001', at, 2000));
  });
});

describe(`cross-process invalidation while Redis is down [${BACKEND}]`, () => {
  let redis: PrivateRedis;
  let pair: Pair;
  before(async () => {
    redis = await startRedis();
    pair = await startPair(redis.url, `tessera-test-${randomBytes(4).toString('hex')}:`);
    await ok(pair.a, pair.adminKey, 'POST', '/v1/organizations/credits', { credits: 1_000_000 });
  });
  after(async () => {
    await pair?.close();
    await redis?.stop();
  });

  test('writes stay prompt while Redis is dead or frozen; B resubscribes, clears its cache and refuses a key revoked meanwhile once Redis is back', async (t) => {
    const email = `${uniqueName('down')}@example.com`;
    await ok(pair.a, pair.adminKey, 'POST', '/v1/organizations/users', { email, user_name: 'Down', role: 'member' });
    const { key } = await ok(pair.a, pair.adminKey, 'POST', `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`, { name: 'k', permissions: ['read'] });
    for (let i = 0; i < 2; i++) await ok(pair.b, key, 'GET', '/v1/organizations');

    // Dead: the revocation commits at once, and nothing can tell B.
    await redis.kill();
    const revoking = performance.now();
    await ok(pair.a, pair.adminKey, 'DELETE', `/v1/organizations/users/${encodeURIComponent(email)}/api-keys/k`);
    const revokeMs = performance.now() - revoking;
    t.diagnostic(`a revocation while Redis is dead took ${revokeMs.toFixed(1)} ms`);
    assert.ok(revokeMs < 500, `a write took ${revokeMs.toFixed(0)} ms while Redis was dead`);
    assert.equal((await call(pair.b, key, 'GET', '/v1/organizations')).status, 200, 'B still serves its cached caller (only the TTL bounds it while Redis is away)');

    // Back: B resubscribes and, having possibly missed messages, empties its cache.
    await redis.restart();
    const back = performance.now();
    const refused = await pollUntil(pair.b, key, { method: 'GET', path: '/v1/organizations' }, (r) => r.status === 401, back, 10_000);
    t.diagnostic(`B refused the revoked key ${refused.answeredMs.toFixed(0)} ms after Redis was back`);
    await logged(pair.b, /resubscribed to cache invalidations/);
    await logged(pair.a, /publishing a cache invalidation to Redis failed/);

    // Frozen: the connections stay open and nothing answers. The write does not wait for its publish.
    redis.freeze();
    try {
      const started = performance.now();
      await ok(pair.a, pair.adminKey, 'PATCH', `/v1/organizations/users/${encodeURIComponent(email)}`, { user_name: 'While Frozen' });
      const ms = performance.now() - started;
      t.diagnostic(`a write while Redis is frozen took ${ms.toFixed(1)} ms`);
      assert.ok(ms < 500, `a write took ${ms.toFixed(0)} ms while Redis was frozen`);
    } finally {
      redis.thaw();
    }
  });
});

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createKey, createUser, getOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, freshStore, type TestApp } from './helpers/test-app.ts';
import { dropRedisPrefix } from './helpers/shared-redis.ts';
import { REPO_ROOT, SERVER_ARGS } from './helpers/run-node.ts';

const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL;
const limiterStores = [{ name: 'memory', redisUrl: undefined as string | undefined }, ...(REDIS_URL ? [{ name: 'redis', redisUrl: REDIS_URL }] : [])];
/**
 * Exact counting on the healthy shared Redis is what these suites check, not the breaker (that is
 * test/redis-faults.test.ts): a scheduling stall on a loaded machine must not trip the 250 ms
 * default and move counts to the per-process fallback.
 */
const COUNTING_REDIS = { redisCommandTimeoutMs: 10_000 };


for (const limiter of limiterStores) {
  describe(`rate limits, ${limiter.name} counter [${BACKEND}]`, () => {
    let t: TestApp;
    const prefix = `tessera-test-${randomBytes(4).toString('hex')}:`;
    before(async () => {
      t = await createTestApp({ rateLimiting: true, redisKeyPrefix: prefix, ...(limiter.redisUrl ? { redisUrl: limiter.redisUrl, ...COUNTING_REDIS } : {}) });
    });
    after(async () => {
      await t.close();
      await dropRedisPrefix(prefix);
    });

    test('every limited response carries the X-RateLimit and IETF RateLimit headers of its category', async () => {
      const res = await t.call({ method: 'GET', url: '/v1/organizations' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-ratelimit-limit'], '10');
      assert.equal(res.headers['x-ratelimit-remaining'], '9');
      assert.equal(res.headers['x-ratelimit-window'], '60');
      const reset = Number(res.headers['x-ratelimit-reset']);
      const now = Date.now() / 1000;
      assert.ok(reset > now && reset <= now + 61, `reset ${reset} is within the next minute`);
      assert.equal(res.headers['ratelimit-policy'], '"metadata";q=10;w=60');
      assert.match(String(res.headers.ratelimit), /^"metadata";r=9;t=\d+$/);
      // Health probes are not limited.
      const health = await t.call({ method: 'GET', url: '/v1/health', key: null });
      assert.equal(health.headers['x-ratelimit-limit'], undefined);
    });

    test('the 11th metadata request in a minute is 429 with Retry-After and details; nothing changes', async () => {
      for (let i = 0; i < 8; i++) assert.equal((await t.call({ method: 'GET', url: '/v1/organizations' })).statusCode, 200);
      const last = await t.call({ method: 'GET', url: '/v1/organizations' });
      assert.equal(last.headers['x-ratelimit-remaining'], '0');
      const refused = await t.call({ method: 'POST', url: '/v1/organizations/users', payload: { email: 'late@example.com', user_name: 'Late' } });
      const body = assertError(refused, 429, 'TooManyRequestsError');
      assert.equal(body.error.details.category, 'metadata');
      assert.equal(body.error.details.limit, 10);
      assert.equal(body.error.details.window, '1m');
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60);
      assert.equal(body.error.details.retry_after, retryAfter);
      assert.equal(refused.headers['x-ratelimit-remaining'], '0');
      // The refused request never reached its handler.
      const org = await t.app.metadataStore.organizations.findByPublicId(last.json().organization_id);
      assert.equal(await t.app.metadataStore.users.findByEmail({ organization: org!, namespace: null }, 'late@example.com'), undefined);
    });

    test('a PATCH of rate_limits applies to the next request', async () => {
      // This suite's metadata window is spent (a PATCH is a metadata request too): use a fresh app.
      const fresh = await createTestApp({ rateLimiting: true, redisKeyPrefix: `${prefix}patch:`, ...(limiter.redisUrl ? { redisUrl: limiter.redisUrl, ...COUNTING_REDIS } : {}) });
      try {
        const patched = await fresh.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { metadata: 3 } } });
        assert.equal(patched.statusCode, 200);
        const next = await fresh.call({ method: 'GET', url: '/v1/organizations' });
        assert.equal(next.headers['x-ratelimit-limit'], '3');
        assert.equal(next.headers['x-ratelimit-remaining'], '1');
        assert.equal((await fresh.call({ method: 'GET', url: '/v1/organizations' })).statusCode, 200);
        assertError(await fresh.call({ method: 'GET', url: '/v1/organizations' }), 429, 'TooManyRequestsError');
      } finally {
        await fresh.close();
      }
    });

    test('200 concurrent requests against a limit of 50 admit exactly 50 (organization budget)', async () => {
      const fresh = await createTestApp({ rateLimiting: true, redisKeyPrefix: `${prefix}burst:`, ...(limiter.redisUrl ? { redisUrl: limiter.redisUrl, ...COUNTING_REDIS } : {}) });
      try {
        // The PATCH is the window's first metadata request: 49 slots remain for the burst.
        assert.equal((await fresh.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { metadata: 50 } } })).statusCode, 200);
        const results = await Promise.all(Array.from({ length: 200 }, () => fresh.call({ method: 'GET', url: '/v1/organizations' })));
        const ok = results.filter((r) => r.statusCode === 200).length;
        const limited = results.filter((r) => r.statusCode === 429).length;
        assert.equal(ok, 49);
        assert.equal(limited, 151);
      } finally {
        await fresh.close();
      }
    });

    test("a key's rate_limit_override tightens its own budget: 200 concurrent against 50 admit exactly 50", async () => {
      const fresh = await createTestApp({ rateLimiting: true, redisKeyPrefix: `${prefix}key:`, ...(limiter.redisUrl ? { redisUrl: limiter.redisUrl, ...COUNTING_REDIS } : {}) });
      try {
        await upgradeToTeam(fresh);
        assert.equal((await fresh.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { metadata: 100_000 } } })).statusCode, 200);
        await createUser(fresh, { email: 'burst@example.com', role: 'admin' });
        const { key } = await createKey(fresh, 'burst@example.com', { name: 'limited', permissions: ['read'], rate_limit_override: 50 });
        const results = await Promise.all(Array.from({ length: 200 }, () => fresh.call({ method: 'GET', url: '/v1/organizations', key })));
        assert.equal(results.filter((r) => r.statusCode === 200).length, 50);
        const refused = results.find((r) => r.statusCode === 429)!;
        assert.equal(refused.json().error.details.limit, 50);
        // The organization's other keys keep their budget.
        assert.equal((await fresh.call({ method: 'GET', url: '/v1/organizations' })).statusCode, 200);
        assert.equal((await getOrganization(fresh)).rate_limits.metadata, 100_000);
      } finally {
        await fresh.close();
      }
    });

    test("a request refused by a key's override does not consume the organization's budget", async () => {
      const fresh = await createTestApp({ rateLimiting: true, redisKeyPrefix: `${prefix}keyfirst:`, ...(limiter.redisUrl ? { redisUrl: limiter.redisUrl, ...COUNTING_REDIS } : {}) });
      try {
        await upgradeToTeam(fresh);
        assert.equal((await fresh.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { metadata: 20 } } })).statusCode, 200);
        await createUser(fresh, { email: 'hammer@example.com', role: 'admin' });
        const { key: hammer } = await createKey(fresh, 'hammer@example.com', { name: 'hammer', permissions: ['read'], rate_limit_override: 2 });
        const before = await fresh.call({ method: 'GET', url: '/v1/organizations' });
        const remainingBefore = Number(before.headers['x-ratelimit-remaining']);
        // Concurrently, so the shared counter sees them interleaved as a real burst would.
        const results = await Promise.all(Array.from({ length: 20 }, () => fresh.call({ method: 'GET', url: '/v1/organizations', key: hammer })));
        assert.equal(results.filter((r) => r.statusCode === 200).length, 2);
        assert.equal(results.filter((r) => r.statusCode === 429).length, 18);
        for (const r of results.filter((x) => x.statusCode === 429)) assert.equal(r.json().error.details.limit, 2);
        // Only the two admitted requests count against the organization: another key keeps its budget.
        const other = await fresh.call({ method: 'GET', url: '/v1/organizations' });
        assert.equal(other.statusCode, 200, other.body);
        assert.equal(Number(other.headers['x-ratelimit-remaining']), remainingBefore - 3);
      } finally {
        await fresh.close();
      }
    });

    test("a request refused by the organization's budget does not consume the key's", async () => {
      // No read cache: the limit raised in the store below applies to the next request.
      const fresh = await createTestApp({ rateLimiting: true, cacheTtlMs: 0, redisKeyPrefix: `${prefix}orgfirst:`, ...(limiter.redisUrl ? { redisUrl: limiter.redisUrl, ...COUNTING_REDIS } : {}) });
      try {
        await upgradeToTeam(fresh);
        assert.equal((await fresh.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { metadata: 8 } } })).statusCode, 200);
        await createUser(fresh, { email: 'patient@example.com', role: 'admin' });
        const { key: patient } = await createKey(fresh, 'patient@example.com', { name: 'patient', permissions: ['read'], rate_limit_override: 5 });
        // Spend the organization's window with the admin key.
        while ((await fresh.call({ method: 'GET', url: '/v1/organizations' })).statusCode === 200);
        const refused = await Promise.all(Array.from({ length: 20 }, () => fresh.call({ method: 'GET', url: '/v1/organizations', key: patient })));
        for (const r of refused) {
          assert.equal(r.statusCode, 429);
          assert.equal(r.json().error.details.limit, 8, 'refused by the organization, not the key');
        }
        // An operator raises the organization's limit (the API itself is over its limit here).
        const org = await fresh.app.metadataStore.organizations.findByPublicId(fresh.app.bootstrap!.organizationId);
        await fresh.app.metadataStore.organizations.update(org!.internalId, { rateLimits: { ...org!.rateLimits, metadata: 1000 } }, new Date().toISOString());
        // The key's own budget is untouched by the 20 refusals: all 5 of its requests are left.
        const next = await fresh.call({ method: 'GET', url: '/v1/organizations', key: patient });
        assert.equal(next.statusCode, 200, next.body);
        assert.equal(next.headers['x-ratelimit-limit'], '5');
        assert.equal(next.headers['x-ratelimit-remaining'], '4');
        const burst = await Promise.all(Array.from({ length: 10 }, () => fresh.call({ method: 'GET', url: '/v1/organizations', key: patient })));
        assert.equal(burst.filter((r) => r.statusCode === 200).length, 4);
      } finally {
        await fresh.close();
      }
    });
  });
}

describe(`rate limits shared by two server processes on one Redis [${BACKEND}]`, { skip: REDIS_URL ? false : 'TESSERA_TEST_REDIS_URL is not set' }, () => {
  test('two processes admit exactly the limit between them', async () => {
    const store = await freshStore();
    const key = `sk_test_${randomBytes(24).toString('base64url')}`;
    const prefix = `tessera-test-${randomBytes(4).toString('hex')}:`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      TESSERA_BOOTSTRAP_API_KEY: key,
      TESSERA_REDIS_URL: REDIS_URL,
      TESSERA_REDIS_PREFIX: prefix,
      TESSERA_REDIS_COMMAND_TIMEOUT_MS: String(COUNTING_REDIS.redisCommandTimeoutMs),
      ...(store.settings.dataDir ? { TESSERA_DATA_DIR: store.settings.dataDir } : {}),
      ...(store.settings.databaseUrl ? { TESSERA_DATABASE_URL: store.settings.databaseUrl, TESSERA_DATABASE_SCHEMA: store.settings.databaseSchema } : {}),
    };
    const servers: ChildProcess[] = [];
    try {
      // One after the other: the first bootstraps the store, the second finds it initialised.
      const urls: string[] = [];
      for (let i = 0; i < 2; i++) {
        const child = spawn(process.execPath, SERVER_ARGS, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        servers.push(child);
        urls.push(await listeningUrl(child));
      }
      const get = (url: string) => fetch(`${url}/v1/organizations`, { headers: { authorization: `Bearer ${key}` } });
      const patch = await fetch(`${urls[0]}/v1/organizations`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ rate_limits: { metadata: 30 } }),
      });
      assert.equal(patch.status, 200);
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => get(urls[i % 2]!)));
      const statuses = results.map((r) => r.status);
      // 30 per minute across both processes: the PATCH took one slot, the burst gets 29.
      assert.equal(statuses.filter((s) => s === 200).length, 29);
      assert.equal(statuses.filter((s) => s === 429).length, 71);
      await Promise.all(results.map((r) => r.body?.cancel()));
    } finally {
      for (const child of servers) {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await once(child, 'exit');
        }
      }
      await store.drop();
      await dropRedisPrefix(prefix);
    }
  });
});

/** Reads the server's "Server listening at …" log line. */
async function listeningUrl(child: ChildProcess): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

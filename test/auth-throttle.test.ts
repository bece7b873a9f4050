// Failed authentications are throttled per client address, in the limiter's backend (memory or
// Redis): over the limit, an address is refused (429) before its presented key is looked up, and
// other addresses' valid keys are untouched.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';
import { dropRedisPrefix } from './helpers/shared-redis.ts';

const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL;
const limiterStores = [{ name: 'memory', redisUrl: undefined as string | undefined }, ...(REDIS_URL ? [{ name: 'redis', redisUrl: REDIS_URL }] : [])];
/**
 * Exact counting on the healthy shared Redis is what these suites check, not the breaker (that is
 * test/redis-faults.test.ts): a scheduling stall on a loaded machine must not trip the 250 ms
 * default and move counts to the per-process fallback.
 */
const COUNTING_REDIS = { redisCommandTimeoutMs: 10_000 };

const GUESSER = '203.0.113.7';
const HONEST = '198.51.100.20';

function wrongKey(): string {
  return `sk_${randomBytes(24).toString('base64url')}`;
}


for (const limiter of limiterStores) {
  describe(`failed-authentication throttling, ${limiter.name} counter [${BACKEND}]`, () => {
    let t: TestApp;
    const prefix = `tessera-test-${randomBytes(4).toString('hex')}:`;
    // Rate limits off: the throttle works on its own (TESSERA_AUTH_FAILURE_LIMIT, default 100).
    before(async () => {
      t = await createTestApp({ redisKeyPrefix: prefix, ...(limiter.redisUrl ? { redisUrl: limiter.redisUrl, ...COUNTING_REDIS } : {}) });
    });
    after(async () => {
      await t.close();
      await dropRedisPrefix(prefix);
    });

    test('100 failures from one address, then the 101st request is 429 with Retry-After, before its key is checked', async () => {
      const failures = await Promise.all(
        Array.from({ length: 100 }, () => t.call({ method: 'GET', url: '/v1/organizations', key: wrongKey(), remoteAddress: GUESSER })),
      );
      for (const res of failures) assertError(res, 401, 'UnauthorizedError');

      const refused = await t.call({ method: 'GET', url: '/v1/organizations', key: wrongKey(), remoteAddress: GUESSER });
      const body = assertError(refused, 429, 'TooManyRequestsError');
      assert.equal(body.error.details.category, 'authentication');
      assert.equal(body.error.details.limit, 100);
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.headers['retry-after']}`);
      assert.equal(body.error.details.retry_after, retryAfter);

      // A real key from the locked-out address, not yet in the read cache, learns nothing either:
      // the guess that finally hits is refused like the misses.
      const hit = await t.call({ method: 'GET', url: '/v1/organizations', remoteAddress: GUESSER, key: await freshValidKey(t) });
      assertError(hit, 429, 'TooManyRequestsError');
      // A missing header from that address is refused the same way.
      assertError(await t.call({ method: 'GET', url: '/v1/organizations', key: null, remoteAddress: GUESSER }), 429, 'TooManyRequestsError');
    });

    test("another address's valid key is neither refused nor slowed", async () => {
      const res = await t.call({ method: 'GET', url: '/v1/organizations', remoteAddress: HONEST });
      assert.equal(res.statusCode, 200, res.body);
      // Its own failures start from zero.
      assertError(await t.call({ method: 'GET', url: '/v1/organizations', key: wrongKey(), remoteAddress: HONEST }), 401, 'UnauthorizedError');
    });

    test('public routes are not throttled', async () => {
      const res = await t.call({ method: 'GET', url: '/v1/health', key: null, remoteAddress: GUESSER });
      assert.equal(res.statusCode, 200);
      assert.equal((await t.call({ method: 'GET', url: '/v1/health/liveness', key: null, remoteAddress: GUESSER })).statusCode, 200);
    });
  });
}

describe(`failed-authentication throttling switched off [${BACKEND}]`, () => {
  test('TESSERA_AUTH_FAILURE_LIMIT=0: every failure stays a 401', async () => {
    const t = await createTestApp({ authFailureLimit: 0 });
    try {
      for (let i = 0; i < 110; i++) assertError(await t.call({ method: 'GET', url: '/v1/organizations', key: wrongKey(), remoteAddress: GUESSER }), 401, 'UnauthorizedError');
    } finally {
      await t.close();
    }
  });
});

/** A valid key that this process has not cached yet (its user and key are created with the admin key). */
async function freshValidKey(t: TestApp): Promise<string> {
  const email = `${randomBytes(4).toString('hex')}@example.com`;
  const user = await t.call({ method: 'POST', url: '/v1/organizations/users', payload: { email, user_name: 'Valid', role: 'admin' }, remoteAddress: HONEST });
  assert.equal(user.statusCode, 200, user.body);
  const key = await t.call({ method: 'POST', url: `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`, payload: { name: 'valid', permissions: ['read'] }, remoteAddress: HONEST });
  assert.equal(key.statusCode, 200, key.body);
  return key.json().key as string;
}

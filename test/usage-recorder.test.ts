// Request usage is counted in memory and written in batches every second and on close: a clean
// shutdown must lose nothing. Two apps in turn on one store: the first counts and closes at once,
// the second reads.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config.ts';
import { BACKEND, freshStore } from './helpers/test-app.ts';

const N = 25;

describe(`Request usage recorder [${BACKEND}]`, () => {
  test('nothing is lost on a clean shutdown', async () => {
    const store = await freshStore();
    const adminKey = `sk_test_${randomBytes(24).toString('base64url')}`;
    const config = validateConfig({ ...store.settings, bootstrapApiKey: adminKey, logLevel: 'silent', rateLimiting: false });
    const auth = { authorization: `Bearer ${adminKey}` };
    let first: FastifyInstance | undefined;
    let second: FastifyInstance | undefined;
    try {
      const app1 = await buildApp(config);
      first = app1;
      const results = await Promise.all(Array.from({ length: N }, () => app1.inject({ method: 'GET', url: '/v1/organizations', headers: auth })));
      assert.ok(results.every((r) => r.statusCode === 200));
      // Two misses, so error counts survive too.
      for (let i = 0; i < 2; i++) {
        const miss = await app1.inject({ method: 'GET', url: '/v1/organizations/users/nobody%40example.com', headers: auth });
        assert.equal(miss.statusCode, 404);
      }
      // Close at once: well inside the 1 s flush interval.
      first = undefined;
      await app1.close();

      const app2 = await buildApp(config);
      second = app2;
      assert.equal(app2.bootstrap, null, 'the second app opens the same, already bootstrapped store');
      const read = async () => {
        const res = await app2.inject({ method: 'GET', url: '/v1/organizations/usage', headers: auth });
        assert.equal(res.statusCode, 200, res.body);
        return res.json();
      };
      // A request is counted once it has answered, so the first read sees exactly the first app's N + 2.
      const usage = await read();
      assert.equal(usage.requests.total, N + 2);
      assert.equal(usage.requests.errors, 2);
      assert.deepEqual(usage.requests.by_category, { metadata: N + 2 });
      // The second read also sees the first.
      const again = await read();
      assert.equal(again.requests.total, N + 3);
      assert.equal(again.requests.errors, 2);

      const keys = await app2.inject({ method: 'GET', url: '/v1/organizations/users/admin%40tessera.local/api-keys', headers: auth });
      const keyId = keys.json().results[0].key_id as string;
      const endpoints = await app2.inject({ method: 'GET', url: `/v1/organizations/api-keys/${keyId}/usage/endpoints`, headers: auth });
      assert.equal(endpoints.statusCode, 200, endpoints.body);
      const byOperation = Object.fromEntries((endpoints.json() as { endpoint: string; requests: number; errors: number }[]).map((e) => [e.endpoint, [e.requests, e.errors]]));
      assert.deepEqual(byOperation, {
        get_organization_v1_organizations_get: [N, 0],
        get_user_v1_organizations_users__user_email__get: [2, 2],
        get_org_usage_v1_organizations_usage_get: [2, 0],
        list_api_keys_v1_organizations_users__user_email__api_keys_get: [1, 0],
      });

      second = undefined;
      await app2.close();
    } finally {
      await first?.close();
      await second?.close();
      await store.drop();
    }
  });
});

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { validateConfig, type TesseraConfig } from '../src/config.ts';
import { getOrganization } from './helpers/accounts.ts';
import { assertError, assertMatches } from './helpers/contract.ts';
import { BACKEND, createTestApp, freshStore, type TestApp } from './helpers/test-app.ts';

const ADMIN_EMAIL = 'admin@tessera.local';
const ADMIN_KEYS_URL = `/v1/organizations/users/${ADMIN_EMAIL}/api-keys`;

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const newKey = (): string => `sk_test_${randomBytes(24).toString('base64url')}`;

function inject(app: FastifyInstance, key: string, options: InjectOptions): Promise<LightMyRequestResponse> {
  return app.inject({ ...options, headers: { authorization: `Bearer ${key}`, ...(options.headers ?? {}) } });
}

/** Every row of every Tessera table in the store, read straight from the database, as JSON text per table. */
async function dumpStore(config: TesseraConfig): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  if (config.databaseUrl) {
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
        [config.databaseSchema],
      );
      for (const { table_name } of tables.rows) {
        const rows = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${config.databaseSchema}"."${table_name}" t`);
        dump[table_name] = rows.rows.map((r) => r.row);
      }
    } finally {
      await client.end();
    }
    return dump;
  }
  const db = new Database(path.join(config.dataDir, 'tessera.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
    for (const { name } of tables) dump[name] = db.prepare(`SELECT * FROM "${name}"`).all().map((row) => JSON.stringify(row));
  } finally {
    db.close();
  }
  return dump;
}

/** The key is stored only as its SHA-256: not in api_keys, not in any table, not in the SQLite files. */
async function assertStoredAsHash(config: TesseraConfig, key: string): Promise<void> {
  const dump = await dumpStore(config);
  const apiKeys = dump.api_keys;
  assert.ok(apiKeys && apiKeys.length > 0, `api_keys rows in ${Object.keys(dump).join(', ')}`);
  assert.ok(!apiKeys.some((row) => row.includes(key)), 'plaintext key is not in api_keys');
  const hashed = apiKeys.map((row) => JSON.parse(row) as Record<string, unknown>).filter((row) => row.key_hash === sha256(key));
  assert.equal(hashed.length, 1, 'exactly one api_keys row holds sha256(key) as key_hash');
  assert.equal(hashed[0]!.name, 'admin-key');
  for (const [table, rows] of Object.entries(dump)) assert.ok(!rows.some((row) => row.includes(key)), `plaintext key is not in ${table}`);
  if (!config.databaseUrl) {
    for (const file of fs.readdirSync(config.dataDir)) {
      const bytes = fs.readFileSync(path.join(config.dataDir, file));
      assert.equal(bytes.indexOf(key), -1, `plaintext key is not in ${file}`);
    }
  }
}

describe(`first start on an empty store [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('creates a free organization with 1,000 credits and one admin user', async () => {
    const org = await getOrganization(t);
    assertMatches('organization', org);
    assert.equal(org.organization_name, 'Default Organization');
    assert.equal(org.account_type, 'free');
    assert.equal(org.credit_count, 1000);
    assert.equal(org.organization_id, t.app.bootstrap?.organizationId);
    assert.deepEqual(
      org.users.map((u: { email: string; role: string }) => [u.email, u.role]),
      [[ADMIN_EMAIL, 'admin']],
    );
    const user = await t.call({ method: 'GET', url: `/v1/organizations/users/${ADMIN_EMAIL}` });
    assert.equal(user.statusCode, 200, user.body);
    assert.equal(user.json().role, 'admin');
    assert.equal(user.json().status, 'active');
  });

  test("its only key is 'admin-key' with the admin permission", async () => {
    const res = await t.call({ method: 'GET', url: ADMIN_KEYS_URL });
    assert.equal(res.statusCode, 200, res.body);
    const { results, total } = res.json();
    assert.equal(total, 1);
    const key = results[0];
    assert.equal(key.name, 'admin-key');
    assert.deepEqual(key.permissions, ['admin']);
    assert.equal(key.status, 'active');
    assert.equal(key.expires_at, null);
    assert.equal(key.organization_id, t.app.bootstrap?.organizationId);
    assert.equal(key.key_prefix, t.adminKey.slice(0, 10));
    assert.equal(key.key_hash, '[redacted]');
    assert.ok(!res.body.includes(t.adminKey), 'the listing never shows the secret');
    assert.ok(!res.body.includes(sha256(t.adminKey)), 'nor its hash');
  });

  test('app.bootstrap reports what was created; a configured key is not echoed back', () => {
    assert.ok(t.app.bootstrap);
    assert.match(t.app.bootstrap.organizationId, /^org_/);
    assert.equal(t.app.bootstrap.adminEmail, ADMIN_EMAIL);
    assert.equal(t.app.bootstrap.generatedApiKey, null);
  });

  test('the key is stored as its SHA-256 hash, never in plaintext', async () => {
    await assertStoredAsHash(t.config, t.adminKey);
  });

  test("the 'admin-key' cannot be updated, deleted or rotated", async () => {
    const url = `${ADMIN_KEYS_URL}/admin-key`;
    const attempts: InjectOptions[] = [
      { method: 'PATCH', url, payload: { description: 'changed' } },
      { method: 'PATCH', url, payload: { status: 'revoked' } },
      { method: 'PATCH', url, payload: { permissions: ['read'] } },
      { method: 'DELETE', url },
      { method: 'POST', url: `${url}/rotate` },
    ];
    for (const attempt of attempts) {
      const body = assertError(await t.call(attempt), 403, 'ForbiddenError');
      assert.match(body.error.message, /admin-key/);
    }
    // Still there, unchanged, and still working.
    const listed = (await t.call({ method: 'GET', url: ADMIN_KEYS_URL })).json().results[0];
    assert.equal(listed.description, 'Organization admin key');
    assert.deepEqual(listed.permissions, ['admin']);
    assert.equal(listed.status, 'active');
    assert.equal(listed.key_prefix, t.adminKey.slice(0, 10));
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations' })).statusCode, 200);
  });
});

describe(`a second start on the same store [${BACKEND}]`, () => {
  test('does not bootstrap again: one organization, the same id, the first key still works', async () => {
    const store = await freshStore();
    const firstKey = newKey();
    const secondKey = newKey();
    const apps: FastifyInstance[] = [];
    try {
      const first = await buildApp(validateConfig({ ...store.settings, logLevel: 'silent', bootstrapApiKey: firstKey }));
      apps.push(first);
      assert.ok(first.bootstrap, 'the first app bootstraps');
      const organizationId = first.bootstrap.organizationId;
      await first.close();
      apps.pop();

      // Same store, and a different key configured: it is ignored once the store is initialised.
      const second = await buildApp(validateConfig({ ...store.settings, logLevel: 'silent', bootstrapApiKey: secondKey }));
      apps.push(second);
      assert.equal(second.bootstrap, null);
      assert.equal(await second.metadataStore.organizations.count(), 1);

      const res = await inject(second, firstKey, { method: 'GET', url: '/v1/organizations' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().organization_id, organizationId);
      assert.equal(res.json().users.length, 1);
      assertError(await inject(second, secondKey, { method: 'GET', url: '/v1/organizations' }), 401, 'UnauthorizedError');
      const keys = (await inject(second, firstKey, { method: 'GET', url: ADMIN_KEYS_URL })).json();
      assert.equal(keys.total, 1);

      // Two apps open on the same store at once: still nothing new.
      const third = await buildApp(validateConfig({ ...store.settings, logLevel: 'silent' }));
      apps.push(third);
      assert.equal(third.bootstrap, null);
      assert.equal(await third.metadataStore.organizations.count(), 1);
      assert.equal((await inject(third, firstKey, { method: 'GET', url: '/v1/organizations' })).json().organization_id, organizationId);
    } finally {
      for (const app of apps) await app.close();
      await store.drop();
    }
  });

  test(
    'several apps starting together on an empty store: exactly one bootstraps and none fails',

    async () => {
      const store = await freshStore();
      const config = validateConfig({ ...store.settings, logLevel: 'silent', bootstrapApiKey: newKey() });
      const results = await Promise.allSettled([buildApp(config), buildApp(config), buildApp(config)]);
      const apps = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      try {
        const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
        assert.deepEqual(failures, []);
        assert.equal(apps.filter((a) => a.bootstrap !== null).length, 1);
        assert.equal(await apps[0]!.metadataStore.organizations.count(), 1);
      } finally {
        for (const app of apps) await app.close();
        await store.drop();
      }
    },
  );
});

describe(`first start without a configured key [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ bootstrapApiKey: undefined, bootstrapOrganizationName: 'Generated Co', bootstrapAdminEmail: 'Root@Example.com' });
  });
  after(() => t.close());

  test('a generated sk_ key is reported once and authenticates', async () => {
    const generated = t.app.bootstrap?.generatedApiKey;
    assert.ok(generated, 'app.bootstrap.generatedApiKey is set');
    assert.match(generated, /^sk_[A-Za-z0-9_-]{43}$/);
    const org = await getOrganization(t, generated);
    assert.equal(org.organization_id, t.app.bootstrap?.organizationId);
    assert.equal(org.organization_name, 'Generated Co');
    assert.equal(org.credit_count, 1000);
    assert.equal(org.users.length, 1);
    assert.equal(org.users[0].email, t.app.bootstrap?.adminEmail);
    // The harness's own key was never configured, so it is not a key of this store.
    assertError(await t.call({ method: 'GET', url: '/v1/organizations' }), 401, 'UnauthorizedError');
  });

  test('the generated key is stored only as its SHA-256 hash', async () => {
    await assertStoredAsHash(t.config, t.app.bootstrap!.generatedApiKey!);
  });

  test('the configured admin email is used for the admin user', async () => {
    const generated = t.app.bootstrap!.generatedApiKey!;
    const email = t.app.bootstrap!.adminEmail;
    assert.equal(email.toLowerCase(), 'root@example.com');
    const res = await t.call({ method: 'GET', url: `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`, key: generated });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res.json().results.map((k: { name: string; permissions: string[] }) => [k.name, k.permissions]),
      [['admin-key', ['admin']]],
    );
  });
});

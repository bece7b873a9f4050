import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { loadOrCreateKeyFile } from '../src/adapters/secrets/secrets-key.ts';
import { openMetadataStore } from '../src/compose.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { sha256Hex } from '../src/lib/secrets.ts';
import type { RequestScope } from '../src/engine/scope/request-scope.ts';
import { keyFor, otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { scopeFor } from './helpers/scopes.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, freshStore, uniqueName, type TestApp } from './helpers/test-app.ts';

const SECRETS = '/v1/organizations/secrets';
const secret = (name: string) => `${SECRETS}/${encodeURIComponent(name)}`;

/** The organization of a key, as the system acting for it (what later consumers of reveal() hold). */
async function organizationOf(t: TestApp, key: string): Promise<RequestScope> {
  const apiKey = await t.app.metadataStore.apiKeys.findByHash(sha256Hex(key));
  assert.ok(apiKey);
  return scopeFor(t.app.metadataStore, apiKey.organizationInternalId);
}

async function create(t: TestApp, name: string, value: string, key?: string) {
  return t.call({ method: 'POST', url: SECRETS, payload: { secret_name: name, secret_value: value }, ...(key ? { key } : {}) });
}

/** A store that outlives its apps, so a test can restart on it with other settings. */
async function persistentStore() {
  const store = await freshStore();
  const dataDir = store.settings.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-secrets-'));
  const adminKey = `sk_test_${randomBytes(24).toString('base64url')}`;
  const open = (settings: { secretsKey?: string } = {}) => createTestApp({ ...store.settings, dataDir, bootstrapApiKey: adminKey, ...settings });
  return {
    dataDir,
    adminKey,
    open,
    drop: async () => {
      await store.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe(`organization secrets [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ secretsKey: randomBytes(32).toString('base64') });
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('create (201), list, update, delete with the exact response shapes; values never in a response', async () => {
    const value = `sk_live_${randomBytes(16).toString('hex')}`;
    const created = await create(t, 'stripe_api_key', value);
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), { secret_name: 'stripe_api_key', created: true });
    assert.equal((await create(t, 'github_token', 'ghp_abc')).statusCode, 201);

    const listed = await t.call({ method: 'GET', url: SECRETS });
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(listed.json(), { secrets: ['github_token', 'stripe_api_key'], count: 2 });

    const rotated = `sk_live_${randomBytes(16).toString('hex')}`;
    const updated = await t.call({ method: 'PUT', url: secret('stripe_api_key'), payload: { secret_value: rotated } });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.deepEqual(updated.json(), { secret_name: 'stripe_api_key', updated: true });
    const org = await organizationOf(t, t.adminKey);
    assert.equal(await t.app.services.secrets.reveal(org, 'stripe_api_key'), rotated);

    const deleted = await t.call({ method: 'DELETE', url: secret('github_token') });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.deepEqual(deleted.json(), { secret_name: 'github_token', deleted: true });
    assert.deepEqual((await t.call({ method: 'GET', url: SECRETS })).json(), { secrets: ['stripe_api_key'], count: 1 });
    assertError(await t.call({ method: 'DELETE', url: secret('github_token') }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'PUT', url: secret('github_token'), payload: { secret_value: 'x' } }), 404, 'NotFoundError');

    for (const v of [value, rotated]) assert.ok(!t.logs().includes(v), 'a secret value reached the log');
    await t.call({ method: 'DELETE', url: secret('stripe_api_key') });
  });

  test('the stored row holds the value sealed (AES-GCM, bound to its row), never the plaintext', async () => {
    const value = `plain_${randomBytes(12).toString('hex')}`;
    assert.equal((await create(t, 'raw_check', value)).statusCode, 201);
    assert.equal((await create(t, 'raw_other', 'other value')).statusCode, 201);
    const org = await organizationOf(t, t.adminKey);
    const direct = await openMetadataStore(t.config);
    try {
      const row = await direct.secrets.find(org, 'raw_check');
      assert.ok(row);
      assert.match(row.sealedValue, /^v1\.[A-Za-z0-9+/]+=*$/);
      for (const form of [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')]) assert.ok(!row.sealedValue.includes(form));
      // The same value sealed twice differs (a random IV per value).
      await t.call({ method: 'PUT', url: secret('raw_check'), payload: { secret_value: value } });
      const again = await direct.secrets.find(org, 'raw_check');
      assert.notEqual(again?.sealedValue, row.sealedValue);
      // A sealed value moved to another row does not open there.
      await direct.secrets.updateValue(org, 'raw_other', again!.sealedValue, new Date().toISOString());
      await assert.rejects(t.app.services.secrets.reveal(org, 'raw_other'), (err: any) => err.code === 'secrets_key_mismatch' && err.status === 500);
      assert.equal(await t.app.services.secrets.reveal(org, 'raw_check'), value);
    } finally {
      await direct.close();
      await t.call({ method: 'DELETE', url: secret('raw_check') });
      await t.call({ method: 'DELETE', url: secret('raw_other') });
    }
  });

  test('a read key lists names but cannot write (403); an admin key writes', async () => {
    const reader = await keyFor(t, 'viewer', ['read']);
    const writer = await keyFor(t, 'member', ['read', 'write']);
    const admin = await keyFor(t, 'admin', ['admin']);
    assert.equal((await create(t, 'perm_check', 'v', admin.key)).statusCode, 201);
    const listed = await t.call({ method: 'GET', url: SECRETS, key: reader.key });
    assert.equal(listed.statusCode, 200);
    assert.ok(listed.json().secrets.includes('perm_check'));
    for (const key of [reader.key, writer.key]) {
      assertError(await create(t, 'perm_denied', 'v', key), 403, 'ForbiddenError');
      assertError(await t.call({ method: 'PUT', url: secret('perm_check'), payload: { secret_value: 'w' }, key }), 403, 'ForbiddenError');
      assertError(await t.call({ method: 'DELETE', url: secret('perm_check'), key }), 403, 'ForbiddenError');
    }
    assert.equal((await t.call({ method: 'PUT', url: secret('perm_check'), payload: { secret_value: 'w' }, key: admin.key })).statusCode, 200);
    assert.equal((await t.call({ method: 'DELETE', url: secret('perm_check'), key: admin.key })).statusCode, 200);
    assertError(await t.call({ method: 'GET', url: SECRETS, key: null }), 401, 'UnauthorizedError');
  });

  test("another organization cannot see, update or delete this organization's secret (404), and may reuse its name", async () => {
    const other = await otherOrganization(t);
    assert.equal((await create(t, 'shared_name', 'ours')).statusCode, 201);
    assert.deepEqual((await t.call({ method: 'GET', url: SECRETS, key: other.apiKey })).json(), { secrets: [], count: 0 });
    const missing = assertError(await t.call({ method: 'PUT', url: secret('shared_name'), payload: { secret_value: 'theirs' }, key: other.apiKey }), 404, 'NotFoundError');
    const reallyMissing = assertError(await t.call({ method: 'PUT', url: secret('no_such_secret'), payload: { secret_value: 'x' } }), 404, 'NotFoundError');
    assert.equal(missing.error.message, reallyMissing.error.message);
    assertError(await t.call({ method: 'DELETE', url: secret('shared_name'), key: other.apiKey }), 404, 'NotFoundError');
    assert.equal((await create(t, 'shared_name', 'theirs', other.apiKey)).statusCode, 201);
    await assert.rejects(t.app.services.secrets.reveal(await organizationOf(t, other.apiKey), 'no_such_secret'), (err: any) => err.status === 404);
    assert.equal(await t.app.services.secrets.reveal(await organizationOf(t, t.adminKey), 'shared_name'), 'ours');
    assert.equal(await t.app.services.secrets.reveal(await organizationOf(t, other.apiKey), 'shared_name'), 'theirs');
    await t.call({ method: 'DELETE', url: secret('shared_name') });
  });

  test('409 for a duplicate name; the stored value is kept', async () => {
    assert.equal((await create(t, 'dup_name', 'first')).statusCode, 201);
    const body = assertError(await create(t, 'dup_name', 'second'), 409, 'AlreadyExistsError');
    assert.equal(body.error.code, 'secret_exists');
    assert.ok(!JSON.stringify(body).includes('second'));
    assert.equal(await t.app.services.secrets.reveal(await organizationOf(t, t.adminKey), 'dup_name'), 'first');
    await t.call({ method: 'DELETE', url: secret('dup_name') });
  });

  test('422 for bad names and values; nothing is stored', async () => {
    for (const name of ['', 'a'.repeat(101), 'has space', '-leading', '.leading', 'naïve', 'a{b}', 42]) {
      assertError(await t.call({ method: 'POST', url: SECRETS, payload: { secret_name: name, secret_value: 'v' } }), 422, 'ValidationError');
    }
    for (const value of ['', 'x'.repeat(65_537), 7, null]) {
      assertError(await t.call({ method: 'POST', url: SECRETS, payload: { secret_name: 'ok_name', secret_value: value } }), 422, 'ValidationError');
    }
    assertError(await t.call({ method: 'POST', url: SECRETS, payload: { secret_name: 'ok_name' } }), 422, 'ValidationError');
    assertError(await t.call({ method: 'POST', url: SECRETS, payload: { secret_name: 'ok_name', secret_value: 7, extra: 1 } }), 422, 'ValidationError');
    assertError(await t.call({ method: 'PUT', url: secret('has space'), payload: { secret_value: 'v' } }), 422, 'ValidationError');
    assertError(await t.call({ method: 'PUT', url: secret('ok_name'), payload: { secret_value: '' } }), 422, 'ValidationError');
    assertError(await t.call({ method: 'DELETE', url: secret('x'.repeat(101)) }), 422, 'ValidationError');
    assert.deepEqual((await t.call({ method: 'GET', url: SECRETS })).json(), { secrets: [], count: 0 });
    // The bounds themselves are accepted.
    assert.equal((await create(t, 'A'.repeat(100), 'é'.repeat(65_536))).statusCode, 201);
    await t.call({ method: 'DELETE', url: secret('A'.repeat(100)) });
  });
});

describe(`organization secrets key [${BACKEND}]`, () => {
  test('a restart with another TESSERA_SECRETS_KEY lists names but fails clearly on reveal', async () => {
    const store = await persistentStore();
    const value = `v_${randomBytes(8).toString('hex')}`;
    try {
      const first = await store.open({ secretsKey: randomBytes(32).toString('hex') });
      try {
        assert.equal((await create(first, 'api_token', value, store.adminKey)).statusCode, 201);
      } finally {
        await first.close();
      }
      const second = await store.open({ secretsKey: randomBytes(32).toString('base64') });
      try {
        const listed = await second.call({ method: 'GET', url: SECRETS, key: store.adminKey });
        assert.deepEqual(listed.json(), { secrets: ['api_token'], count: 1 });
        await assert.rejects(second.app.services.secrets.reveal(await organizationOf(second, store.adminKey), 'api_token'), (err: any) => {
          assert.equal(err.status, 500);
          assert.equal(err.code, 'secrets_key_mismatch');
          assert.ok(!JSON.stringify(err.details).includes(value));
          return true;
        });
        const logs = second.logs();
        assert.match(logs, /a stored secret could not be decrypted: check TESSERA_SECRETS_KEY/);
        assert.ok(!logs.includes(value));
        // Updating writes with the new key: the secret is usable again.
        await second.call({ method: 'PUT', url: secret('api_token'), payload: { secret_value: 'new' }, key: store.adminKey });
        assert.equal(await second.app.services.secrets.reveal(await organizationOf(second, store.adminKey), 'api_token'), 'new');
      } finally {
        await second.close();
      }
    } finally {
      await store.drop();
    }
  });

  test('without TESSERA_SECRETS_KEY a key file is created once (0600) and reused on restart', async () => {
    const store = await persistentStore();
    const keyFile = path.join(store.dataDir, 'secrets.key');
    try {
      const first = await store.open();
      try {
        assert.ok(!fs.existsSync(keyFile), 'the key file is created on first use only');
        assert.equal((await create(first, 'file_keyed', 'kept', store.adminKey)).statusCode, 201);
        if (BACKEND === 'postgres') assert.match(first.logs(), /TESSERA_SECRETS_KEY is not set/);
      } finally {
        await first.close();
      }
      assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
      const contents = fs.readFileSync(keyFile, 'utf8');
      const second = await store.open();
      try {
        assert.equal(await second.app.services.secrets.reveal(await organizationOf(second, store.adminKey), 'file_keyed'), 'kept');
      } finally {
        await second.close();
      }
      assert.equal(fs.readFileSync(keyFile, 'utf8'), contents);
    } finally {
      await store.drop();
    }
  });

  test('processes creating the key file at the same time all get the same key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-${uniqueName('key')}-`));
    try {
      const keys = await Promise.all(Array.from({ length: 16 }, () => loadOrCreateKeyFile(dir)));
      for (const key of keys) assert.deepEqual(key, keys[0]);
      assert.deepEqual(fs.readdirSync(dir), ['secrets.key'], 'no temporary file is left behind');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TESSERA_SECRETS_KEY setting', () => {
  test('accepts 32 bytes as hex or base64; refuses anything else by name without echoing it', () => {
    for (const good of [randomBytes(32).toString('hex'), randomBytes(32).toString('base64'), randomBytes(32).toString('base64url')]) {
      assert.equal(loadConfig({ TESSERA_SECRETS_KEY: good }).secretsKey, good);
    }
    for (const bad of [randomBytes(31).toString('hex'), randomBytes(16).toString('base64'), `${randomBytes(32).toString('hex')} `, 'hunter2-not-a-key']) {
      assert.throws(
        () => loadConfig({ TESSERA_SECRETS_KEY: bad }),
        (err: Error) => err instanceof ConfigError && err.message.includes('TESSERA_SECRETS_KEY') && !err.message.includes(bad.trim()) && err.message.includes('(value hidden)'),
      );
    }
  });
});

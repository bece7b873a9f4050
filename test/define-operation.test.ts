// Operations are made one way (defineOperation): the route carries its catalogue policy, the
// handler receives the authenticated caller, a /v1 route made any other way stops start-up, and
// the catalogue is exactly the route files' definitions, one per file, found by grep.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { defineOperation, registerOperations } from '../src/api/define-operation.ts';
import { OPERATIONS, PUBLIC_OPERATIONS } from '../src/api/operations-catalogue.ts';
import { requireApiKey } from '../src/api/plugins/authentication.ts';
import { PUBLIC } from '../src/api/policy.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './helpers/run-node.ts';

const ROUTES = pathToFileURL(path.join(REPO_ROOT, 'src/api/routes/v1/'));

describe(`defineOperation [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    const whoAmI = defineOperation({
      operationId: 'test_who_am_i',
      method: 'GET',
      url: '/v1/test-who-am-i',
      policy: { category: 'metadata', permission: 'admin', credits: 0 },
      schema: { response: { 200: Type.Object({ email: Type.String(), permission: Type.String() }) } },
      handler: async (_request, scope) => ({ email: scope.actor.user.email, permission: scope.permission }),
    });
    const open = defineOperation({
      operationId: 'test_open',
      method: 'GET',
      url: '/v1/test-open',
      policy: PUBLIC,
      schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } },
      handler: async () => ({ ok: true }),
    });
    t = await createTestApp({}, {
      extend: async (app) => {
        await app.register(async (scope) => {
          requireApiKey(scope);
          registerOperations(scope, [whoAmI]);
        });
        await app.register(async (scope) => registerOperations(scope, [open]));
      },
    });
  });
  after(() => t.close());

  test('an authenticated handler receives the caller its key authenticated, after the policy admitted it', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/test-who-am-i' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { email: 'admin@tessera.local', permission: 'admin' });
    assertError(await t.call({ method: 'GET', url: '/v1/test-who-am-i', key: null }), 401, 'UnauthorizedError');
  });

  test('a public operation answers without a key', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/test-open', key: null });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { ok: true });
  });

  test('a /v1 route made by hand fails start-up, even with an operationId', async () => {
    await assert.rejects(
      createTestApp({}, { extend: (app) => void app.get('/v1/by-hand', { schema: { operationId: 'test_by_hand' } }, async () => ({})) }),
      /GET \/v1\/by-hand \(test_by_hand\) is not made by defineOperation/,
    );
    await assert.rejects(createTestApp({}, { extend: (app) => void app.get('/v1/anonymous', async () => ({})) }), /GET \/v1\/anonymous has no operationId/);
  });
});

describe('the operations catalogue is the route files', () => {
  const files = fs
    .readdirSync(ROUTES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !['index.ts', 'policies.ts'].includes(path.basename(f)))
    .sort();

  test('one defineOperation per route file, with a literal operationId', () => {
    assert.ok(files.length >= 29, `${files.length} route files`);
    for (const file of files) {
      const source = fs.readFileSync(new URL(file, ROUTES), 'utf8');
      assert.equal(source.match(/defineOperation\(/g)?.length, 1, `${file}: one defineOperation`);
      assert.equal(source.match(/operationId: '[a-z0-9_]+',/g)?.length, 1, `${file}: one literal operationId`);
    }
  });

  test('every catalogued or public operationId is written in exactly one route file', () => {
    const ids = [...Object.keys(OPERATIONS), ...PUBLIC_OPERATIONS];
    assert.equal(new Set(ids).size, ids.length, 'no operationId twice');
    assert.equal(ids.length, files.length);
    for (const id of ids) {
      const holders = files.filter((file) => fs.readFileSync(new URL(file, ROUTES), 'utf8').includes(`operationId: '${id}',`));
      assert.equal(holders.length, 1, `${id} is in ${holders.join(', ') || 'no route file'}`);
    }
  });
});

// The fixed-cost charge on priced operations, through HTTP. No Mixpeek route in this release has a
// price yet, so this file defines one test operation (its policy says the price) and registers it
// in a scope protected by requireApiKey, exactly as a resource's index.ts would do.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { defineOperation, registerOperations } from '../src/api/define-operation.ts';
import { requireApiKey } from '../src/api/plugins/authentication.ts';
import { getOrganization } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

const OPERATION = 'test_priced_operation';

describe(`priced operations over HTTP [${BACKEND}]`, () => {
  let t: TestApp;
  let handled = 0;
  before(async () => {
    t = await createTestApp({}, {
      extend: async (app) => {
        const priced = defineOperation({
          operationId: OPERATION,
          method: 'POST',
          url: '/v1/test-priced',
          policy: { category: 'data', permission: 'write', credits: 300 },
          schema: { body: Type.Object({ fail: Type.Boolean() }, { additionalProperties: false }) },
          handler: async (request, _caller, reply) => {
            handled += 1;
            if (request.body.fail) return reply.code(409).send({ success: false, status: 409, error: { type: 'AlreadyExistsError', message: 'conflict' } });
            return { ok: true };
          },
        });
        await app.register(async (scope) => {
          requireApiKey(scope);
          registerOperations(scope, [priced]);
        });
      },
    });
  });
  after(() => t.close());

  const call = (payload: unknown) => t.call({ method: 'POST', url: '/v1/test-priced', payload: payload as object });

  test('a successful request is charged its catalogue cost before the handler runs', async () => {
    assert.equal((await call({ fail: false })).statusCode, 200);
    const org = await getOrganization(t);
    assert.equal(org.credit_count, 700);
    assert.equal(org.current_month_usage, 300);
  });

  test('a request that fails after the charge is refunded before the response leaves', async () => {
    assert.equal((await call({ fail: true })).statusCode, 409);
    const org = await getOrganization(t);
    assert.equal(org.credit_count, 700);
    assert.equal(org.current_month_usage, 300, 'a refunded request is not usage');
  });

  test('invalid input is refused before any charge', async () => {
    const before = handled;
    assertError(await call({ fail: 'no' }), 422, 'ValidationError');
    assert.equal(handled, before);
    assert.equal((await getOrganization(t)).credit_count, 700);
  });

  test('402 when the balance cannot pay: the handler never runs and nothing is spent', async () => {
    assert.equal((await call({ fail: false })).statusCode, 200); // 400 left
    assert.equal((await call({ fail: false })).statusCode, 200); // 100 left
    const before = handled;
    const body = assertError(await call({ fail: false }), 402, 'InsufficientCreditsError');
    assert.deepEqual(body.error.details, { required: 300, balance: 100 });
    assert.equal(handled, before);
    assert.equal((await getOrganization(t)).credit_count, 100);
  });

  test('with auto-billing the request proceeds into overdraft', async () => {
    assert.equal((await t.call({ method: 'POST', url: '/v1/organizations/billing/enable-auto-billing' })).statusCode, 200);
    assert.equal((await call({ fail: false })).statusCode, 200);
    assert.equal((await getOrganization(t)).credit_count, -200);
  });

  test('the usage report attributes the credits to the operation', async () => {
    const usage = (await t.call({ method: 'GET', url: '/v1/organizations/usage' })).json();
    assert.equal(usage.breakdown[OPERATION], 1200);
    assert.equal(usage.requests.by_category.data, 7); // 4 charged, 1 refunded, 1 invalid, 1 refused
  });
});

// The committed contract says what the API really does (issue 6, "contract drift"): parameters
// with a default are optional, every operation declares the error statuses it can return, and the
// declared error schemas match real error bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPERATIONS } from '../src/api/operations-catalogue.ts';
import { createAjv } from '../src/lib/ajv.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

type Json = Record<string, any>;

/** Operations that can conflict with an existing name or email (409). */
const CONFLICTING = new Set([
  'create_user_v1_organizations_users_post',
  'create_api_key_v1_organizations_users__user_email__api_keys_post',
  'update_api_key_v1_organizations_users__user_email__api_keys__key_name__patch',
]);

/** What each operation must declare, derived from the route alone (the rule in docs/api.md). */
function expectedStatuses(method: string, path: string, op: Json): number[] {
  const statuses = new Set([400, 404, 405, 500, 503]);
  const policy = OPERATIONS[op.operationId as string];
  if (policy) [401, 403, 429].forEach((s) => statuses.add(s));
  if ((op.parameters ?? []).length > 0 || op.requestBody) statuses.add(422);
  if (path.includes('{')) statuses.add(414);
  if (['post', 'put', 'patch', 'delete'].includes(method)) [413, 415].forEach((s) => statuses.add(s));
  if (policy && policy.credits > 0) statuses.add(402);
  if (CONFLICTING.has(op.operationId)) statuses.add(409);
  return [...statuses];
}

describe(`OpenAPI contract matches behaviour [${BACKEND}]`, () => {
  let t: TestApp;
  let doc: Json;
  const operations: { method: string; path: string; op: Json }[] = [];
  before(async () => {
    t = await createTestApp();
    doc = (await t.call({ method: 'GET', url: '/openapi.json', key: null })).json();
    for (const [path, methods] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(methods as Json)) operations.push({ method, path, op });
    }
  });
  after(() => t.close());

  test('no parameter with a default is required; the defaults still apply when it is left out', async () => {
    const withDefault: string[] = [];
    for (const { method, path, op } of operations) {
      for (const p of op.parameters ?? []) {
        if (p.schema?.default === undefined) continue;
        withDefault.push(`${p.name}@${method.toUpperCase()} ${path}`);
        assert.notEqual(p.required, true, `${p.in} parameter ${p.name} of ${method.toUpperCase()} ${path} has a default but is required`);
      }
    }
    for (const name of ['skip', 'limit', 'include_revoked', 'deep', 'metrics']) {
      assert.ok(withDefault.some((w) => w.startsWith(`${name}@`)), `${name} is declared with its default`);
    }
    const users = await t.call({ method: 'GET', url: '/v1/organizations/users' });
    assert.equal(users.statusCode, 200, users.body);
    assert.deepEqual([users.json().skip, users.json().limit], [0, 50]);
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations/users/admin%40tessera.local/api-keys' })).statusCode, 200);
    assert.equal((await t.call({ method: 'GET', url: '/v1/health', key: null })).statusCode, 200);
  });

  test('every operation declares the error statuses it can return, as the envelope (422: envelope + detail)', () => {
    for (const { method, path, op } of operations) {
      const declared = Object.keys(op.responses).map(Number);
      for (const status of expectedStatuses(method, path, op)) {
        assert.ok(declared.includes(status), `${method.toUpperCase()} ${path} does not declare ${status}`);
      }
      for (const status of declared.filter((s) => s >= 400)) {
        const ref = op.responses[status].content['application/json'].schema.$ref;
        // The health probe's 503 keeps its report body so load balancers can read why.
        const expected = status === 422 ? 'HTTPValidationError' : path === '/v1/health' && status === 503 ? 'HealthCheckResponse' : 'ErrorResponse';
        assert.equal(ref, `#/components/schemas/${expected}`, `${method.toUpperCase()} ${path} ${status}`);
      }
    }
    // The seed's six keep their descriptions.
    const seedSix = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 422: 'Validation Error', 500: 'Internal Server Error' };
    for (const [status, description] of Object.entries(seedSix)) assert.equal(doc.paths['/v1/organizations'].get.responses[status].description, description);
  });

  test('real error bodies validate against the declared schemas', async () => {
    const ajv = createAjv({ allErrors: true, strict: false });
    ajv.addSchema({ $id: 'tessera-openapi', components: doc.components });
    const validate = (component: string, body: unknown) => {
      const check = ajv.getSchema(`tessera-openapi#/components/schemas/${component}`)!;
      assert.ok(check(body), `${component}: ${JSON.stringify(check.errors)}\n${JSON.stringify(body)}`);
    };
    const cases: [number, Promise<{ statusCode: number; json: () => unknown }>][] = [
      [422, t.call({ method: 'GET', url: '/v1/organizations/users?limit=0' })],
      [422, t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 'many' } })],
      [400, t.call({ method: 'POST', url: '/v1/organizations/credits', payload: '{', headers: { 'content-type': 'application/json' } })],
      [401, t.call({ method: 'GET', url: '/v1/organizations', key: 'sk_wrong_wrong_wrong_wrong' })],
      [404, t.call({ method: 'GET', url: '/v1/organizations/users/nobody%40example.com' })],
      [405, t.call({ method: 'PUT', url: '/v1/organizations' })],
      [409, t.call({ method: 'POST', url: '/v1/organizations/users', payload: { email: 'admin@tessera.local', user_name: 'Again' } })],
      [414, t.call({ method: 'GET', url: `/v1/organizations/users/${'a'.repeat(1100)}` })],
      [415, t.call({ method: 'PATCH', url: '/v1/organizations', payload: 'x', headers: { 'content-type': 'text/plain' } })],
    ];
    for (const [status, pending] of cases) {
      const res = await pending;
      assert.equal(res.statusCode, status, JSON.stringify(res.json()));
      validate(status === 422 ? 'HTTPValidationError' : 'ErrorResponse', res.json());
    }
  });
});

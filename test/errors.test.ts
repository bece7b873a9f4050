import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createKey, createUser } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const THROWN_MESSAGE = 'secret detail /etc/passwd SELECT * FROM x';

/** The 422 body carries the same items twice: FastAPI's `detail` and the envelope's details. */
function assertValidation(res: LightMyRequestResponse, loc: (string | number)[], type?: string): Record<string, any> {
  const body = assertError(res, 422, 'ValidationError');
  assert.deepEqual(body.error.details.validation_errors, body.detail, 'detail and error.details.validation_errors agree');
  for (const item of body.detail as { loc: unknown[] }[]) {
    assert.ok(['body', 'query', 'path'].includes(String(item.loc[0])), `loc starts with body|query|path: ${JSON.stringify(item.loc)}`);
  }
  const match = (body.detail as { loc: unknown[]; type: string }[]).find((d) => JSON.stringify(d.loc) === JSON.stringify(loc));
  assert.ok(match, `expected loc ${JSON.stringify(loc)} in ${JSON.stringify(body.detail)}`);
  if (type) assert.equal(match.type, type);
  return body;
}

function assertRequestId(res: LightMyRequestResponse): string {
  const id = res.headers['x-request-id'];
  assert.equal(typeof id, 'string', `x-request-id on ${res.statusCode} ${res.body.slice(0, 200)}`);
  assert.match(String(id), /^req_[a-z0-9]{16}$/);
  return String(id);
}

/** Log lines are newline-delimited JSON; the stream may deliver the last one a tick late. */
async function logLines(t: TestApp): Promise<Record<string, any>[]> {
  await new Promise((resolve) => setImmediate(resolve));
  return t
    .logs()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

describe(`routing errors [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('404 NotFoundError for an unknown route, with or without a key', async () => {
    for (const key of [undefined, null]) {
      const body = assertError(await t.call({ method: 'GET', url: '/v1/no-such-thing', key }), 404, 'NotFoundError');
      assert.deepEqual(body.error.details, { resource: 'route', id: 'GET /v1/no-such-thing' });
    }
    assertError(await t.call({ method: 'POST', url: '/v2/organizations', payload: {} }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'GET', url: '/v1/organizations/users/a@b.co/api-keys/k/nothing' }), 404, 'NotFoundError');
  });

  test('405 with an Allow header for a wrong method on a known path', async () => {
    let res = await t.call({ method: 'DELETE', url: '/v1/organizations' });
    let body = assertError(res, 405, 'MethodNotAllowedError');
    assert.equal(res.headers.allow, 'GET, PATCH');
    assert.deepEqual(body.error.details.allowed_methods, ['GET', 'PATCH']);

    // A path with parameters, and no key at all: the method is wrong whoever asks.
    res = await t.call({ method: 'PUT', url: '/v1/organizations/users/a@b.co/api-keys/ci', key: null, payload: {} });
    body = assertError(res, 405, 'MethodNotAllowedError');
    assert.deepEqual(String(res.headers.allow).split(', ').sort(), ['DELETE', 'PATCH']);

    // Trailing slashes are the same path.
    res = await t.call({ method: 'PUT', url: '/v1/organizations/credits/' });
    assertError(res, 405, 'MethodNotAllowedError');
    assert.equal(res.headers.allow, 'POST');
  });
});

describe(`request body errors [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ bodyLimit: 2048 });
  });
  after(() => t.close());

  test('400 BadRequestError invalid_json for a malformed JSON body', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/organizations/credits', headers: JSON_HEADERS, payload: '{"credits":' });
    const body = assertError(res, 400, 'BadRequestError');
    assert.equal(body.error.code, 'invalid_json');
    assert.doesNotMatch(res.body, /Unexpected|SyntaxError|position|FST_/);
  });

  test('413 PayloadTooLargeError above the body limit; a body under it is read', async () => {
    const big = JSON.stringify({ credits: 5, padding: 'x'.repeat(3000) });
    const body = assertError(await t.call({ method: 'POST', url: '/v1/organizations/credits', headers: JSON_HEADERS, payload: big }), 413, 'PayloadTooLargeError');
    assert.equal(body.error.code, 'body_too_large');

    // Just under the limit the body reaches validation (the ill-typed field is the complaint; the
    // unknown one is ignored and named).
    const small = JSON.stringify({ credits: 'five', padding: 'x'.repeat(1900) });
    const res = await t.call({ method: 'POST', url: '/v1/organizations/credits', headers: JSON_HEADERS, payload: small });
    assertValidation(res, ['body', 'credits'], 'int_type');
    assert.equal(res.headers['tessera-ignored-fields'], 'padding');
    assert.equal((await t.call({ method: 'GET', url: '/v1/organizations' })).json().credit_count, 1000, 'nothing was credited');
  });

  test('415 UnsupportedMediaTypeError for a body that is not JSON', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.call({ method: 'POST', url: '/v1/organizations/credits', headers: { 'content-type': contentType }, payload: 'credits=5' });
      const body = assertError(res, 415, 'UnsupportedMediaTypeError');
      assert.equal(body.error.code, 'unsupported_media_type');
    }
  });

  test('an empty body with content-type application/json counts as no body', async () => {
    // POST that needs a body: the body is missing, not malformed.
    for (const payload of ['', '   ']) {
      const res = await t.call({ method: 'POST', url: '/v1/organizations/credits', headers: JSON_HEADERS, payload });
      const body = assertValidation(res, ['body'], 'missing');
      assert.equal(body.detail.length, 1);
    }
    // DELETE without a body succeeds even when the client always sends the JSON content type.
    const email = `${uniqueName('del')}@example.com`;
    await createUser(t, { email });
    await createKey(t, email, { name: 'temp', permissions: ['read'] });
    let res = await t.call({ method: 'DELETE', url: `/v1/organizations/users/${email}/api-keys/temp`, headers: JSON_HEADERS, payload: '' });
    assert.equal(res.statusCode, 200, res.body);
    res = await t.call({ method: 'DELETE', url: `/v1/organizations/users/${email}`, headers: JSON_HEADERS, payload: '' });
    assert.equal(res.statusCode, 200, res.body);
    assertError(await t.call({ method: 'GET', url: `/v1/organizations/users/${email}` }), 404, 'NotFoundError');
  });
});

describe(`internal failures [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp(
      {},
      {
        extend: (app) => {
          app.get('/boom', { schema: { hide: true } }, async () => {
            throw new Error(THROWN_MESSAGE);
          });
        },
      },
    );
  });
  after(() => t.close());

  test('500 InternalServerError reveals nothing but the request id', async () => {
    const res = await t.call({ method: 'GET', url: '/boom' });
    const body = assertError(res, 500, 'InternalServerError');
    assert.equal(body.error.message, 'Internal server error');
    assert.deepEqual(Object.keys(body.error.details), ['request_id']);
    assert.equal(body.error.details.request_id, res.headers['x-request-id']);
    assert.ok(!res.body.includes(THROWN_MESSAGE), 'not the thrown message');
    assert.doesNotMatch(res.body, /secret detail/);
    assert.doesNotMatch(res.body, /SELECT|FROM x/i, 'no SQL');
    assert.doesNotMatch(res.body, /\/etc\/passwd|\/work\/|node_modules|\.ts\b|\.js\b/, 'no file path');
    assert.doesNotMatch(res.body, /\bat\s+\S+\s+\(|stack/i, 'no stack trace');
  });

  test('the log line carries the request id together with the error', async () => {
    const res = await t.call({ method: 'GET', url: '/boom' });
    const requestId = assertRequestId(res);
    const lines = await logLines(t);
    const failure = lines.find((l) => l.reqId === requestId && l.err);
    assert.ok(failure, `a log line with reqId ${requestId} and err in:\n${t.logs()}`);
    assert.equal(failure.level, 50, 'logged at error level');
    assert.equal(failure.err.message, THROWN_MESSAGE);
    assert.match(failure.err.stack, /Error: secret detail/);
    // The key that made the request is never logged.
    assert.ok(!t.logs().includes(t.adminKey), 'the API key is not in the log');
  });
});

describe(`422 validation errors [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('query: out of range and not an integer', async () => {
    let body = assertValidation(await t.call({ method: 'GET', url: '/v1/organizations/users?limit=0' }), ['query', 'limit'], 'greater_than_equal');
    assert.deepEqual(body.detail, [{ loc: ['query', 'limit'], msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal' }]);
    body = assertValidation(await t.call({ method: 'GET', url: '/v1/organizations/users?limit=abc' }), ['query', 'limit'], 'int_type');
    assertValidation(await t.call({ method: 'GET', url: '/v1/organizations/users?limit=101&skip=-1' }), ['query', 'skip'], 'greater_than_equal');
    body = assertValidation(await t.call({ method: 'GET', url: '/v1/organizations/users?limit=101&skip=-1' }), ['query', 'limit'], 'less_than_equal');
    assert.equal(body.detail.length, 2, 'every bad parameter is reported');
  });

  test('body: the field that is wrong', async () => {
    assertValidation(await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 'ten' } }), ['body', 'credits'], 'int_type');
    assertValidation(await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: {} }), ['body', 'credits'], 'missing');
  });

  test('path: a parameter the schema rejects', async () => {
    assertValidation(await t.call({ method: 'GET', url: '/v1/organizations/users/ab' }), ['path', 'user_email'], 'string_too_short');
  });

  test(
    'path: a 300-character user_email is a 422 on path, not a router error',

    async () => {
      const res = await t.call({ method: 'GET', url: `/v1/organizations/users/${'a'.repeat(300)}` });
      assertRequestId(res);
      const body = assertValidation(res, ['path', 'user_email'], 'string_too_long');
      assert.equal(body.detail[0].loc[0], 'path');
    },
  );

  test(
    'a user whose valid email is longer than 100 characters can be read back',

    async () => {
      const email = `${'u'.repeat(110)}@example.com`;
      await createUser(t, { email });
      const res = await t.call({ method: 'GET', url: `/v1/organizations/users/${encodeURIComponent(email)}` });
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
      assert.equal(res.json().email, email);
    },
  );
});

describe(`x-request-id [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp(
      { bodyLimit: 2048 },
      {
        extend: (app) => {
          app.get('/boom', { schema: { hide: true } }, async () => {
            throw new Error(THROWN_MESSAGE);
          });
        },
      },
    );
  });
  after(() => t.close());

  test('every response carries a fresh, server-generated x-request-id', async () => {
    const requests: Parameters<TestApp['call']>[0][] = [
      { method: 'GET', url: '/v1/organizations' },
      { method: 'GET', url: '/v1/health', key: null },
      { method: 'GET', url: '/v1/health/liveness', key: null },
      { method: 'HEAD', url: '/v1/organizations' },
      { method: 'GET', url: '/v1/organizations', key: null },
      { method: 'GET', url: '/v1/organizations', key: 'sk_unknown_key_000000000000000000' },
      { method: 'GET', url: '/v1/nowhere' },
      { method: 'DELETE', url: '/v1/organizations' },
      { method: 'POST', url: '/v1/organizations/credits', headers: JSON_HEADERS, payload: '{"credits":' },
      { method: 'POST', url: '/v1/organizations/credits', headers: JSON_HEADERS, payload: JSON.stringify({ pad: 'x'.repeat(4096) }) },
      { method: 'POST', url: '/v1/organizations/credits', headers: { 'content-type': 'text/plain' }, payload: 'x' },
      { method: 'POST', url: '/v1/organizations/credits', payload: { credits: 0 } },
      { method: 'GET', url: '/v1/organizations/users/nobody@example.com' },
      { method: 'GET', url: '/boom' },
    ];
    const ids = new Set<string>();
    for (const request of requests) {
      const res = await t.call({ ...request, headers: { 'x-request-id': 'client-chosen', ...(request.headers ?? {}) } });
      const id = assertRequestId(res);
      assert.notEqual(id, 'client-chosen');
      ids.add(id);
    }
    assert.equal(ids.size, requests.length, 'ids are unique');
  });

  test(
    'a URL the router cannot decode still gets the envelope and an x-request-id',

    async () => {
      const res = await t.call({ method: 'GET', url: '/v1/organizations/users/%zz' });
      assertRequestId(res);
      assertError(res, 400, 'BadRequestError');
    },
  );
});

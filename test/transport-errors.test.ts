// Requests that Node's HTTP parser refuses, and requests that never finish arriving, are answered
// in the error envelope and the connection is closed (issue 6, item 5). Over a real port with raw
// sockets: app.inject never goes through the parser.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig, validateConfig } from '../src/config.ts';
import { assertMatches } from './helpers/contract.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, any>;
  /** When the server closed the connection, in ms after the bytes were sent. */
  closedAfterMs: number;
}

/** Sends bytes on a fresh connection and reads until the server closes it (bounded by waitMs). */
function exchange(port: number, bytes: Buffer | string, waitMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sentAt = Date.now();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and no close within ${waitMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
    }, waitMs);
    socket.on('connect', () => {
      sentAt = Date.now();
      socket.write(bytes);
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP answer before close: ${JSON.stringify(text)}`));
      const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = text.slice(split + 4);
      try {
        resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(body), closedAfterMs: Date.now() - sentAt });
      } catch {
        reject(new Error(`body is not JSON: ${JSON.stringify(text)}`));
      }
    });
  });
}

/** The documented envelope, the status, a request id, and the connection closed. */
function assertEnvelope(answer: RawAnswer, status: number, type: string, code: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer));
  assert.match(answer.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(answer.headers['content-length'], String(Buffer.byteLength(JSON.stringify(answer.body))));
  assert.match(answer.headers['x-request-id'] ?? '', /^req_[a-z0-9]{16}$/);
  assert.equal(answer.headers.connection, 'close');
  assertMatches('error', answer.body);
  assert.equal(answer.body.success, false);
  assert.equal(answer.body.status, status);
  assert.equal(answer.body.error.type, type);
  assert.equal(answer.body.error.code, code);
}

async function listen(t: TestApp): Promise<number> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.server.address() as net.AddressInfo).port;
}

describe(`transport-level errors in the envelope [${BACKEND}]`, () => {
  let t: TestApp;
  let port: number;
  before(async () => {
    t = await createTestApp();
    port = await listen(t);
  });
  after(() => t.close());

  const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

  test('non-ASCII bytes in the path: 400 invalid_url', async () => {
    const bytes = Buffer.concat([Buffer.from('GET /v1/organizations/users/caf'), Buffer.from([0xc3, 0xa9]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]);
    assertEnvelope(await exchange(port, bytes), 400, 'BadRequestError', 'invalid_url');
  });

  test('NUL in a header value: 400 invalid_header', async () => {
    assertEnvelope(await exchange(port, Buffer.from(head(['GET /v1/organizations HTTP/1.1', 'Host: x', 'Authorization: Bearer sk_\x00x']), 'latin1')), 400, 'BadRequestError', 'invalid_header');
  });

  test('headers over the limit: 431', async () => {
    const answer = await exchange(port, head(['GET /v1/health HTTP/1.1', 'Host: x', `X-Padding: ${'a'.repeat(20_000)}`]));
    assertEnvelope(answer, 431, 'RequestHeaderFieldsTooLargeError', 'headers_too_large');
  });

  test('a method the parser does not know: 400 invalid_method', async () => {
    assertEnvelope(await exchange(port, head(['FROB /v1/health HTTP/1.1', 'Host: x'])), 400, 'BadRequestError', 'invalid_method');
  });

  test('not HTTP at all (a TLS hello on the plain port): 400 malformed', async () => {
    const answer = await exchange(port, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]));
    assert.equal(answer.status, 400);
    assertMatches('error', answer.body);
  });

  test('bad chunked encoding and Content-Length with Transfer-Encoding: 400 invalid_body_framing', async () => {
    const chunked = head(['POST /v1/organizations/credits HTTP/1.1', 'Host: x', `Authorization: Bearer ${t.adminKey}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked']) + 'zz\r\n{}\r\n0\r\n\r\n';
    assertEnvelope(await exchange(port, chunked), 400, 'BadRequestError', 'invalid_body_framing');
    const both = head(['POST /v1/organizations/credits HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 2', 'Transfer-Encoding: chunked']) + '{}';
    assertEnvelope(await exchange(port, both), 400, 'BadRequestError', 'invalid_body_framing');
  });

  test('the server keeps serving after malformed requests', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/health/liveness`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'alive' });
  });
});

describe(`request timeouts [${BACKEND}]`, () => {
  const REQUEST_TIMEOUT_MS = 800;
  const HEADERS_TIMEOUT_MS = 400;
  let t: TestApp;
  let port: number;
  before(async () => {
    t = await createTestApp({ requestTimeoutMs: REQUEST_TIMEOUT_MS, headersTimeoutMs: HEADERS_TIMEOUT_MS, keepAliveTimeoutMs: 5_000 });
    port = await listen(t);
  });
  after(() => t.close());

  test('a body that never arrives is cut off with 408 in the envelope within the request timeout', async () => {
    const partial =
      ['POST /v1/organizations/credits HTTP/1.1', 'Host: x', `Authorization: Bearer ${t.adminKey}`, 'Content-Type: application/json', 'Content-Length: 100'].join('\r\n') +
      '\r\n\r\n{"credits":';
    const answer = await exchange(port, partial, REQUEST_TIMEOUT_MS + 3_000);
    assertEnvelope(answer, 408, 'RequestTimeoutError', 'request_timeout');
    // Node checks timeouts every quarter of the headers timeout here; allow that plus scheduling.
    assert.ok(answer.closedAfterMs >= REQUEST_TIMEOUT_MS - 50, `cut off after ${answer.closedAfterMs} ms, before the timeout`);
    assert.ok(answer.closedAfterMs < REQUEST_TIMEOUT_MS + 1_000, `cut off after ${answer.closedAfterMs} ms`);
    const balance = await t.call({ method: 'GET', url: '/v1/organizations/billing/balance' });
    assert.equal(balance.json().credit_balance, 1000, 'the partial top-up wrote nothing');
  });

  test('headers that never finish are cut off with 408 within the headers timeout', async () => {
    const answer = await exchange(port, 'GET /v1/organizations HTTP/1.1\r\nHost: x\r\n', HEADERS_TIMEOUT_MS + 3_000);
    assertEnvelope(answer, 408, 'RequestTimeoutError', 'request_timeout');
    assert.ok(answer.closedAfterMs < HEADERS_TIMEOUT_MS + 1_000, `cut off after ${answer.closedAfterMs} ms`);
  });

  test('an idle kept-alive connection between requests gets no 408', async () => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (c) => (received += c.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    try {
      socket.write('GET /v1/health/liveness HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS + 600));
      socket.write('GET /v1/health/liveness HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(received.match(/HTTP\/1\.1 200 OK/g)?.length, 2, received);
      assert.doesNotMatch(received, /408/);
    } finally {
      socket.destroy();
      await closed;
    }
  });
});

describe('timeout settings', () => {
  test('defaults, environment variables, and headers timeout at most the request timeout', () => {
    const defaults = validateConfig({});
    assert.deepEqual([defaults.requestTimeoutMs, defaults.headersTimeoutMs, defaults.keepAliveTimeoutMs], [30_000, 10_000, 72_000]);
    const env = loadConfig({ TESSERA_REQUEST_TIMEOUT_MS: '5000', TESSERA_HEADERS_TIMEOUT_MS: '2000', TESSERA_KEEP_ALIVE_TIMEOUT_MS: '61000' });
    assert.deepEqual([env.requestTimeoutMs, env.headersTimeoutMs, env.keepAliveTimeoutMs], [5_000, 2_000, 61_000]);
    assert.throws(() => loadConfig({ TESSERA_REQUEST_TIMEOUT_MS: '5000', TESSERA_HEADERS_TIMEOUT_MS: '6000' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /TESSERA_HEADERS_TIMEOUT_MS/);
      return true;
    });
    assert.throws(() => loadConfig({ TESSERA_REQUEST_TIMEOUT_MS: '0' }), /TESSERA_REQUEST_TIMEOUT_MS/);
  });
});

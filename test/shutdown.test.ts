// Graceful shutdown of a real server process (SIGTERM): the request in flight finishes, a request
// that arrives on the same kept-alive connection meanwhile is refused with the envelope (503,
// Retry-After, request id, Connection: close), the process exits 0 and the usage it counted is
// written before the store closes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { startServer, storeEnv, type ServerProcess } from './helpers/server-process.ts';
import { BACKEND, freshStore } from './helpers/test-app.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A kept-alive HTTP/1.1 connection written by hand, so requests can be pipelined and held half-sent. */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    const socket = net.connect(Number(port), hostname);
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** The next complete response (Content-Length bodies only, which is all Fastify sends here). */
  async read(timeoutMs = 10_000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.closed) throw new Error(`connection closed; unparsed: ${this.buffer.toString('utf8')}`);
      if (Date.now() > deadline) throw new Error(`no response within ${timeoutMs} ms; got: ${this.buffer.toString('utf8')}`);
      await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), delay(100)]);
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): RawResponse | null {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return null;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

function request(method: string, path: string, key: string, body?: string): { head: string; body: string } {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: localhost', 'Connection: keep-alive', `Authorization: Bearer ${key}`];
  if (body !== undefined) lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  return { head: `${lines.join('\r\n')}\r\n\r\n`, body: body ?? '' };
}

describe(`Graceful shutdown [${BACKEND}]`, () => {
  test('SIGTERM: the request in flight finishes, a new one on the kept-alive connection gets the 503 envelope, usage is flushed', { timeout: 60_000 }, async () => {
    const store = await freshStore();
    const adminKey = `sk_test_${randomBytes(24).toString('base64url')}`;
    const env = { ...storeEnv(store.settings), TESSERA_BOOTSTRAP_API_KEY: adminKey, TESSERA_RATE_LIMITING: 'false' };
    let server: ServerProcess | undefined;
    let reader: ServerProcess | undefined;
    let conn: RawConnection | undefined;
    try {
      server = await startServer(env);
      conn = await RawConnection.open(server.url);

      // A first request keeps the connection open (keep-alive) and proves it works.
      const first = request('GET', '/v1/organizations', adminKey);
      conn.write(first.head);
      assert.equal((await conn.read()).status, 200);

      // The second one is in flight: headers sent, authenticated, its body still on the way.
      const patch = request('PATCH', '/v1/organizations', adminKey, JSON.stringify({ organization_name: 'Renamed during shutdown' }));
      conn.write(patch.head + patch.body.slice(0, 5));
      await delay(300);

      server.child.kill('SIGTERM');
      const exited = once(server.child, 'exit');
      for (let i = 0; i < 50 && !server.output().includes('shutting down'); i++) await delay(20);
      assert.match(server.output(), /shutting down/);
      await delay(100);

      // The rest of the body, and a third request pipelined right behind it.
      const third = request('GET', '/v1/organizations', adminKey);
      conn.write(patch.body.slice(5) + third.head);

      const finished = await conn.read();
      assert.equal(finished.status, 200, finished.body);
      assert.equal(JSON.parse(finished.body).organization_name, 'Renamed during shutdown');

      const refused = await conn.read();
      assert.equal(refused.status, 503, refused.body);
      const body = JSON.parse(refused.body);
      assert.equal(body.success, false);
      assert.equal(body.status, 503);
      assert.equal(body.error.type, 'ServiceUnavailableError');
      assert.equal(body.error.code, 'shutting_down');
      assert.match(refused.headers['retry-after'] ?? '', /^\d+$/);
      assert.match(refused.headers['x-request-id'] ?? '', /^req_/);
      assert.equal(body.error.details.request_id, refused.headers['x-request-id']);
      assert.equal(refused.headers.connection, 'close');

      const [code] = (await exited) as [number | null];
      assert.equal(code, 0, server.output());

      // The usage counted by the stopped process was written on close: a new process reads it.
      reader = await startServer(env);
      const usage = await fetch(`${reader.url}/v1/organizations/usage`, { headers: { authorization: `Bearer ${adminKey}` } });
      assert.equal(usage.status, 200);
      const requests = ((await usage.json()) as { requests: { total: number } }).requests;
      // The GET and the PATCH; the refused request never reached authentication.
      assert.equal(requests.total, 2);
    } finally {
      conn?.close();
      await server?.stop();
      await reader?.stop();
      await store.drop();
    }
  });
});

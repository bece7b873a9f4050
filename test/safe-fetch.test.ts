// The outbound fetch guard (src/lib/safe-fetch.ts through the UrlFetcher adapter): what it refuses,
// that refusals happen before connecting, and the size and time bounds. A local HTTP server on
// 127.0.0.1 plays every remote; an injected resolver plays DNS, so nothing leaves the machine.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { SafeUrlFetcher, type SafeUrlFetcherOptions } from '../src/adapters/fetch/safe-url-fetcher.ts';
import { openUrlFetcher } from '../src/compose.ts';
import { ConfigError, loadConfig, validateConfig } from '../src/config.ts';
import { UrlValidationError } from '../src/engine/errors.ts';
import { AddressPolicy } from '../src/lib/address-policy.ts';
import type { ResolvedAddress } from '../src/lib/safe-fetch.ts';
import { BACKEND } from './helpers/test-app.ts';

const LIMITS = { maxBytes: 1000, timeoutMs: 5000 };
const PAYLOAD = Buffer.from('\x89PNG\r\n\x1a\n tessera test bytes');

interface Server {
  port: number;
  base: string;
  /** Requests per path (no query). */
  hits: Map<string, number>;
  /** Host headers seen per path. */
  hosts: Map<string, string>;
  /** Bytes the streaming route managed to write before the client went away. */
  streamed: { bytes: number; closed: Promise<void> };
  close(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const hits = new Map<string, number>();
  const hosts = new Map<string, string>();
  let markClosed!: () => void;
  const streamed = { bytes: 0, closed: new Promise<void>((r) => (markClosed = r)) };
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    hosts.set(url.pathname, req.headers.host ?? '');
    const status = /^\/status\/(\d+)$/.exec(url.pathname);
    if (status) {
      res.writeHead(Number(status[1]), { 'content-type': 'text/plain' }).end('nope');
    } else if (url.pathname === '/redirect') {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to')! }).end();
    } else if (url.pathname === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else if (url.pathname === '/big-declared') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '5000' }).end(Buffer.alloc(5000));
    } else if (url.pathname === '/big-chunked') {
      // Writes until the client hangs up (or 64 MiB): shows the client stops reading at the limit.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(16 * 1024, 1);
      res.on('close', markClosed);
      const pump = () => {
        while (!res.destroyed && streamed.bytes < 64 * 1024 * 1024) {
          streamed.bytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    } else if (url.pathname === '/stall-headers') {
      // Never answers.
    } else if (url.pathname === '/stall-body') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('only part of it');
    } else {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(PAYLOAD.length) }).end(PAYLOAD);
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    hits,
    hosts,
    streamed,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A resolver answering from a table; unknown names fail like getaddrinfo does. */
function fakeDns(table: Record<string, string[]>, calls?: string[]) {
  return async (hostname: string): Promise<ResolvedAddress[]> => {
    calls?.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

/** Asserts a URLValidationError with this reason; returns its details. */
async function refused(promise: Promise<unknown>, reason: string): Promise<Record<string, unknown>> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof UrlValidationError, `expected URLValidationError (${reason}), got ${String(caught)}`);
  assert.equal(caught.status, 400);
  assert.equal(caught.type, 'URLValidationError');
  const details = caught.details as Record<string, unknown>;
  assert.equal(details.reason, reason, `reason of: ${caught.message}`);
  assert.ok(caught.message.startsWith('URL refused'), caught.message);
  assert.doesNotMatch(caught.message, /\n\s+at /, 'no stack in the message');
  return details;
}

describe(`safe fetch: what it refuses before connecting [${BACKEND}]`, () => {
  const fetcher = new SafeUrlFetcher({ lookup: fakeDns({ 'public.test': ['93.184.216.34'], 'metadata.google.internal': ['93.184.216.34'] }) });

  const addresses: [string, string][] = [
    ['http://127.0.0.1/', '127.0.0.1'],
    ['http://127.1.2.3:8080/x', '127.1.2.3'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://[::1]/', '::1'],
    ['http://10.0.0.1/', '10.0.0.1'],
    ['http://172.16.5.4/', '172.16.5.4'],
    ['http://192.168.1.1/', '192.168.1.1'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://100.64.0.1/', '100.64.0.1'],
    ['http://0.0.0.0/', '0.0.0.0'],
    ['http://255.255.255.255/', '255.255.255.255'],
    ['http://224.0.0.1/', '224.0.0.1'],
    ['http://240.0.0.1/', '240.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[::ffff:7f00:1]/', '::ffff:7f00:1'],
    ['http://[::ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe'],
    ['http://[::]/', '::'],
    ['http://[fe80::1]/', 'fe80::1'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254'],
    ['http://[64:ff9b::a00:1]/', '64:ff9b::a00:1'],
    ['http://[2002:a00:1::]/', '2002:a00:1::'],
    ['http://[::7f00:1]/', '::7f00:1'],
    ['https://[ff02::1]/', 'ff02::1'],
  ];
  for (const [url, address] of addresses) {
    test(`${url} is refused as a private address`, async () => {
      const details = await refused(fetcher.fetch(url, LIMITS), 'private_address');
      assert.equal(details.address, address);
    });
  }

  const schemes = ['file:///etc/passwd', 'ftp://example.com/x', 'data:text/plain,hello', 'gopher://example.com/', 's3://bucket/key.png', 'javascript:alert(1)'];
  for (const url of schemes) {
    test(`${url.split(':')[0]}: is an unsupported scheme`, async () => {
      await refused(fetcher.fetch(url, LIMITS), 'unsupported_scheme');
    });
  }

  test('a cloud metadata hostname is refused whatever it resolves to', async () => {
    await refused(fetcher.fetch('http://metadata.google.internal/computeMetadata/v1/', LIMITS), 'private_address');
    await refused(fetcher.fetch('http://METADATA.google.internal./', LIMITS), 'private_address');
  });

  test('credentials in the URL are refused and never echoed', async () => {
    const details = await refused(fetcher.fetch('http://alice:s3cret@public.test/x.png', LIMITS), 'credentials_in_url');
    assert.equal(details.url, 'http://public.test/x.png');
    assert.doesNotMatch(JSON.stringify(details), /s3cret|alice/);
  });

  test('a URL longer than 2083 characters is refused', async () => {
    const url = `http://public.test/${'a'.repeat(2100)}`;
    const details = await refused(fetcher.fetch(url, LIMITS), 'url_too_long');
    assert.ok(String(details.url).length < 400, 'the echoed URL is cut');
    // 2083 exactly is fine as far as the length goes (then fails on DNS: the name is unknown).
    const edge = `http://unknown.test/${'a'.repeat(2083 - 'http://unknown.test/'.length)}`;
    assert.equal(edge.length, 2083);
    await refused(fetcher.fetch(edge, LIMITS), 'dns_failure');
  });

  test('not a URL, or no host: invalid_url', async () => {
    await refused(fetcher.fetch('not a url', LIMITS), 'invalid_url');
    await refused(fetcher.fetch('/relative/path.png', LIMITS), 'invalid_url');
  });

  test('a name that does not resolve: dns_failure', async () => {
    await refused(fetcher.fetch('http://nowhere.test/x', LIMITS), 'dns_failure');
  });
});

describe(`safe fetch: against a local server [${BACKEND}]`, () => {
  let server: Server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  /** Allows 127.0.0.1 (the test server) by CIDR, as an operator with a LAN media server would. */
  const allowLoopback = (extra: SafeUrlFetcherOptions = {}) => new SafeUrlFetcher({ allowCidrs: ['127.0.0.1/32'], ...extra });

  test('the real resolver: localhost resolves to loopback and is refused', async () => {
    const details = await refused(new SafeUrlFetcher().fetch(`http://localhost:${server.port}/file.png`, LIMITS), 'private_address');
    assert.match(String(details.address), /^(127\.|::1$)/);
    assert.equal(server.hits.get('/file.png') ?? 0, 0, 'never contacted');
  });

  test('a name resolving to 127.0.0.1 is refused, and the server is never contacted', async () => {
    const fetcher = new SafeUrlFetcher({ lookup: fakeDns({ 'innocent.test': ['127.0.0.1'] }) });
    const details = await refused(fetcher.fetch(`http://innocent.test:${server.port}/never.png`, LIMITS), 'private_address');
    assert.equal(details.address, '127.0.0.1');
    assert.equal(server.hits.get('/never.png') ?? 0, 0);
  });

  test('a name resolving to a public and a private address is refused (every address is checked)', async () => {
    const fetcher = new SafeUrlFetcher({ lookup: fakeDns({ 'mixed.test': ['93.184.216.34', '10.0.0.7'] }) });
    const details = await refused(fetcher.fetch('http://mixed.test/x.png', LIMITS), 'private_address');
    assert.equal(details.address, '10.0.0.7');
  });

  test('success: bytes, content type, filename and final URL; the Host header keeps the name', async () => {
    const calls: string[] = [];
    const fetcher = allowLoopback({ lookup: fakeDns({ 'media.test': ['127.0.0.1'] }, calls) });
    const url = `http://media.test:${server.port}/path/My%20Photo.png?size=large`;
    const got = await fetcher.fetch(url, LIMITS);
    assert.deepEqual(got.bytes, PAYLOAD);
    assert.equal(got.contentType, 'image/png');
    assert.equal(got.filename, 'My Photo.png');
    assert.equal(got.finalUrl, url);
    assert.equal(server.hosts.get('/path/My%20Photo.png'), `media.test:${server.port}`);
    // Resolved once, by the check: the connection used the checked answer, not a second lookup.
    assert.deepEqual(calls, ['media.test']);
  });

  test('a redirect is followed and the final URL reported', async () => {
    const got = await allowLoopback().fetch(`${server.base}/redirect?to=/files/clip.mp4`, LIMITS);
    assert.deepEqual(got.bytes, PAYLOAD);
    assert.equal(got.finalUrl, `${server.base}/files/clip.mp4`);
    assert.equal(got.filename, 'clip.mp4');
  });

  test('a redirect to a private address is refused at the hop', async () => {
    for (const target of ['http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data/']) {
      const details = await refused(allowLoopback().fetch(`${server.base}/redirect?to=${encodeURIComponent(target)}`, LIMITS), 'private_address');
      assert.equal(details.url, target);
      assert.equal(details.address, new URL(target).hostname);
    }
  });

  test('a redirect from an allowed host to a loopback address it does not cover is refused before connecting', async () => {
    // media.test is allowed by name; 127.0.0.1 itself is not: the hop to it must not reach the server.
    const fetcher = new SafeUrlFetcher({ allowHosts: ['media.test'], lookup: fakeDns({ 'media.test': ['127.0.0.1'] }) });
    const ok = await fetcher.fetch(`http://media.test:${server.port}/direct.png`, LIMITS);
    assert.deepEqual(ok.bytes, PAYLOAD);
    const target = `http://127.0.0.1:${server.port}/secret`;
    await refused(fetcher.fetch(`http://media.test:${server.port}/redirect?to=${encodeURIComponent(target)}`, LIMITS), 'private_address');
    assert.equal(server.hits.get('/secret') ?? 0, 0, 'the refused hop never connected');
  });

  test('a redirect to another scheme is refused', async () => {
    await refused(allowLoopback().fetch(`${server.base}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`, LIMITS), 'unsupported_scheme');
  });

  test('too many redirects', async () => {
    const before = server.hits.get('/loop') ?? 0;
    const details = await refused(allowLoopback({ maxRedirects: 3 }).fetch(`${server.base}/loop`, LIMITS), 'too_many_redirects');
    assert.equal(details.url, `${server.base}/loop`);
    assert.equal((server.hits.get('/loop') ?? 0) - before, 4, 'the first request and 3 redirects');
    await refused(allowLoopback({ maxRedirects: 0 }).fetch(`${server.base}/redirect?to=/file.png`, LIMITS), 'too_many_redirects');
  });

  test('non-2xx answers are refused with the status', async () => {
    for (const status of [404, 500, 403]) {
      const details = await refused(allowLoopback().fetch(`${server.base}/status/${status}`, LIMITS), 'http_status');
      assert.equal(details.status, status);
    }
    // A 3xx without a Location is not a redirect.
    const details = await refused(allowLoopback().fetch(`${server.base}/status/302`, LIMITS), 'http_status');
    assert.equal(details.status, 302);
  });

  test('too large by Content-Length: refused before reading', async () => {
    await refused(allowLoopback().fetch(`${server.base}/big-declared`, LIMITS), 'too_large');
    const got = await allowLoopback().fetch(`${server.base}/big-declared`, { maxBytes: 5000, timeoutMs: 5000 });
    assert.equal(got.bytes.length, 5000, 'exactly the limit is fine');
  });

  test('too large while streaming: reading stops at the limit', async () => {
    const started = Date.now();
    await refused(allowLoopback().fetch(`${server.base}/big-chunked`, { maxBytes: 100_000, timeoutMs: 10_000 }), 'too_large');
    await server.streamed.closed;
    assert.ok(server.streamed.bytes < 16 * 1024 * 1024, `the server could write only ${server.streamed.bytes} bytes before the client hung up`);
    assert.ok(Date.now() - started < 5000);
  });

  test('a server that never answers, or stalls mid-body: timeout', async () => {
    for (const path of ['/stall-headers', '/stall-body']) {
      const started = Date.now();
      await refused(allowLoopback().fetch(`${server.base}${path}`, { maxBytes: 1000, timeoutMs: 300 }), 'timeout');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 3000, `${path}: refused after ${elapsed} ms`);
    }
  });

  test('the configured timeout bounds a longer one asked by the caller', async () => {
    const started = Date.now();
    await refused(allowLoopback({ timeoutMs: 300 }).fetch(`${server.base}/stall-headers`, { maxBytes: 1000, timeoutMs: 60_000 }), 'timeout');
    assert.ok(Date.now() - started < 3000);
  });

  test('a slow resolver counts against the deadline', async () => {
    const fetcher = new SafeUrlFetcher({ lookup: () => new Promise(() => {}) });
    const started = Date.now();
    await refused(fetcher.fetch('http://slow-dns.test/', { maxBytes: 1000, timeoutMs: 200 }), 'timeout');
    assert.ok(Date.now() - started < 3000);
  });

  test('nothing listening: connection_failed', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await refused(allowLoopback().fetch(`http://127.0.0.1:${port}/`, LIMITS), 'connection_failed');
  });

  test('openUrlFetcher(config) uses the TESSERA_FETCH_* settings', async () => {
    const refusing = openUrlFetcher(validateConfig({}));
    await refused(refusing.fetch(`${server.base}/file.png`, LIMITS), 'private_address');
    const config = loadConfig({ TESSERA_FETCH_ALLOW_CIDRS: '10.0.0.0/8, 127.0.0.1/32', TESSERA_FETCH_MAX_REDIRECTS: '1' });
    const allowing = openUrlFetcher(config);
    assert.deepEqual((await allowing.fetch(`${server.base}/file.png`, LIMITS)).bytes, PAYLOAD);
    await refused(allowing.fetch(`${server.base}/redirect?to=${encodeURIComponent('/redirect?to=/file.png')}`, LIMITS), 'too_many_redirects');
  });
});

describe(`fetch settings [${BACKEND}]`, () => {
  test('defaults and parsed lists', () => {
    const d = validateConfig({});
    assert.deepEqual([d.fetchAllowHosts, d.fetchAllowCidrs, d.fetchTimeoutMs, d.fetchMaxRedirects], [[], [], 30_000, 5]);
    const c = loadConfig({ TESSERA_FETCH_ALLOW_HOSTS: 'media.lan, nas.local,', TESSERA_FETCH_ALLOW_CIDRS: '192.168.0.0/16,fd00::/8', TESSERA_FETCH_TIMEOUT_MS: '5000' });
    assert.deepEqual(c.fetchAllowHosts, ['media.lan', 'nas.local']);
    assert.deepEqual(c.fetchAllowCidrs, ['192.168.0.0/16', 'fd00::/8']);
    assert.equal(c.fetchTimeoutMs, 5000);
  });

  const bad: [Record<string, string>, string][] = [
    [{ TESSERA_FETCH_ALLOW_CIDRS: '10.0.0.0' }, 'TESSERA_FETCH_ALLOW_CIDRS'],
    [{ TESSERA_FETCH_ALLOW_CIDRS: '10.0.0.0/33' }, 'TESSERA_FETCH_ALLOW_CIDRS'],
    [{ TESSERA_FETCH_ALLOW_CIDRS: '127.0.0.1/32,localhost/8' }, 'TESSERA_FETCH_ALLOW_CIDRS'],
    [{ TESSERA_FETCH_ALLOW_HOSTS: 'http://media.lan' }, 'TESSERA_FETCH_ALLOW_HOSTS'],
    [{ TESSERA_FETCH_TIMEOUT_MS: '10' }, 'TESSERA_FETCH_TIMEOUT_MS'],
    [{ TESSERA_FETCH_MAX_REDIRECTS: '21' }, 'TESSERA_FETCH_MAX_REDIRECTS'],
    [{ TESSERA_FETCH_MAX_REDIRECTS: 'many' }, 'TESSERA_FETCH_MAX_REDIRECTS'],
  ];
  for (const [env, name] of bad) {
    test(`${JSON.stringify(env)} is refused naming ${name}`, () => {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name),
      );
    });
  }
});

describe(`address policy: properties [${BACKEND}]`, () => {
  const policy = new AddressPolicy();
  const v4 = (base: [number, number, number, number], prefix: number) =>
    fc.integer({ min: 0, max: 2 ** (32 - prefix) - 1 }).map((offset) => {
      const n = ((base[0] << 24) >>> 0) + (base[1] << 16) + (base[2] << 8) + base[3] + offset;
      return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    });
  const refusedV4 = fc.oneof(
    v4([127, 0, 0, 0], 8),
    v4([10, 0, 0, 0], 8),
    v4([172, 16, 0, 0], 12),
    v4([192, 168, 0, 0], 16),
    v4([169, 254, 0, 0], 16),
    v4([100, 64, 0, 0], 10),
    v4([0, 0, 0, 0], 8),
    v4([224, 0, 0, 0], 4),
    v4([240, 0, 0, 0], 4),
    v4([192, 0, 2, 0], 24),
    v4([198, 18, 0, 0], 15),
  );
  const publicV4 = fc.oneof(v4([8, 0, 0, 0], 8), v4([1, 1, 1, 0], 24), v4([93, 184, 0, 0], 16), v4([151, 101, 0, 0], 16), v4([52, 0, 0, 0], 8));
  const hex = (n: number) => n.toString(16);
  const words = (a: string) => {
    const o = a.split('.').map(Number);
    return [hex((o[0]! << 8) | o[1]!), hex((o[2]! << 8) | o[3]!)];
  };
  const group = fc.integer({ min: 0, max: 0xffff }).map(hex);
  const v6In = (prefix: string, groups: number) => fc.array(group, { minLength: groups, maxLength: groups }).map((g) => `${prefix}:${g.join(':')}`);
  const refusedV6 = fc.oneof(
    fc.constant('::1'),
    fc.constant('::'),
    v6In('fe80:0:0:0', 4),
    v6In('fc00', 7),
    v6In('fd12', 7),
    v6In('ff02', 7),
    v6In('2001:db8', 6),
    refusedV4.map((a) => `::ffff:${a}`),
    refusedV4.map((a) => `::ffff:${words(a).join(':')}`),
    refusedV4.map((a) => `64:ff9b::${a}`),
    refusedV4.map((a) => `2002:${words(a).join(':')}::1`),
    refusedV4.map((a) => `::${a}`),
  );
  const publicV6 = fc.oneof(v6In('2606:4700', 6), v6In('2a00:1450', 6), publicV4.map((a) => `::ffff:${a}`), publicV4.map((a) => `64:ff9b::${a}`));

  test('addresses in refused ranges are refused', () => {
    fc.assert(fc.property(fc.oneof(refusedV4, refusedV6), (a) => !policy.check(a).allowed), { numRuns: 2000 });
  });

  test('public addresses are allowed', () => {
    fc.assert(fc.property(fc.oneof(publicV4, publicV6), (a) => policy.check(a).allowed), { numRuns: 1000 });
  });

  test('an IPv4 address and its IPv4-mapped, NAT64 and 6to4 forms get the same verdict', () => {
    const anyV4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    fc.assert(
      fc.property(anyV4, (a) => {
        const verdict = policy.check(a).allowed;
        return [`::ffff:${a}`, `64:ff9b::${a}`, `2002:${words(a).join(':')}::`].every((v6) => policy.check(v6).allowed === verdict);
      }),
      { numRuns: 2000 },
    );
  });

  test('allowed CIDRs open exactly their range (mapped forms included)', () => {
    const lan = new AddressPolicy(['192.168.1.0/24', 'fd00::/8']);
    fc.assert(
      fc.property(v4([192, 168, 0, 0], 16), (a) => lan.check(a).allowed === a.startsWith('192.168.1.') && lan.check(`::ffff:${a}`).allowed === a.startsWith('192.168.1.')),
      { numRuns: 500 },
    );
    assert.equal(lan.check('fd00::5').allowed, true);
    assert.equal(lan.check('fe80::5').allowed, false);
    assert.equal(lan.check('10.0.0.1').allowed, false);
    assert.equal(policy.check('not-an-ip').allowed, false);
  });
});

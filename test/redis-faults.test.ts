// Redis faults against a private redis-server (never the shared one): frozen (SIGSTOP), killed
// (SIGKILL), restarted, and down at start-up, in both failure modes. Requests must answer within
// the command timeout plus a margin, the loss and the recovery must be logged once each, health
// must report the component, and exact shared counting must resume once Redis answers again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import type { TesseraConfig } from '../src/config.ts';
import { assertError } from './helpers/contract.ts';
import { startRedis, type PrivateRedis } from './helpers/redis-server.ts';
import { runNode, SERVER_ARGS } from './helpers/run-node.ts';
import { storeEnv } from './helpers/server-process.ts';
import { BACKEND, createTestApp, freshStore, type TestApp } from './helpers/test-app.ts';

const COMMAND_TIMEOUT_MS = 250;
/** Scheduling noise on a shared 2-core machine, on top of the command timeout. */
const MARGIN_MS = 750;

/** Every test's resources, closed in reverse order even when it fails. */
function cleanup() {
  const steps: Array<() => Promise<unknown>> = [];
  return {
    add: (step: () => Promise<unknown>) => steps.push(step),
    run: async () => {
      for (const step of steps.reverse()) await step().catch(() => {});
    },
  };
}

async function privateRedis(c: ReturnType<typeof cleanup>): Promise<PrivateRedis> {
  const redis = await startRedis();
  c.add(() => redis.stop());
  return redis;
}

async function appOn(c: ReturnType<typeof cleanup>, redis: PrivateRedis, overrides: Partial<TesseraConfig> = {}): Promise<TestApp> {
  const t = await createTestApp({ rateLimiting: true, redisUrl: redis.url, redisKeyPrefix: `tessera-test-${randomBytes(4).toString('hex')}:`, ...overrides });
  c.add(() => t.close());
  return t;
}

/** A second API process on the same store and Redis: another app built from the same config. */
async function secondApp(c: ReturnType<typeof cleanup>, config: TesseraConfig): Promise<{ app: FastifyInstance; logs: () => string }> {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const app = await buildApp(config, { logStream: stream });
  c.add(() => app.close());
  return { app, logs: () => text };
}

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function logLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

const WARN = 40;
const INFO = 30;
const lostLines = (text: string) => logLines(text).filter((l) => l.level === WARN && /Redis is unreachable/.test(l.msg));
const backLines = (text: string) => logLines(text).filter((l) => l.level === INFO && /Redis is reachable again/.test(l.msg));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

/** A request with a hard deadline, so a hang fails the test instead of stalling the suite. */
async function timed(run: () => Promise<LightMyRequestResponse>, deadlineMs = 10_000): Promise<{ res: LightMyRequestResponse; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    const res = await Promise.race([run(), hang]);
    return { res, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

const getOrg = (t: TestApp) => () => t.call({ method: 'GET', url: '/v1/organizations' });
const health = (t: TestApp) => () => t.call({ method: 'GET', url: '/v1/health', key: null });

/** The organization's current metadata count, read from Redis itself. */
async function sharedCount(redis: PrivateRedis, t: TestApp): Promise<number> {
  const client = new Redis(redis.url);
  try {
    const value = await client.get(`${t.config.redisKeyPrefix}rl:org:${t.app.bootstrap!.organizationId}:metadata`);
    return Number(value ?? 0);
  } finally {
    client.disconnect();
  }
}

describe(`Redis faults, fail-open (default) [${BACKEND}]`, () => {
  test('frozen Redis: requests answer within the command timeout, fall back, and shared counting resumes after thaw', async () => {
    const c = cleanup();
    try {
      const redis = await privateRedis(c);
      const t = await appOn(c, redis);
      assert.equal((await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { metadata: 1000 } } })).statusCode, 200);
      assert.equal(await sharedCount(redis, t), 1);

      redis.freeze();
      // Requests caught by the freeze wait at most the command timeout …
      const caught = await Promise.all(Array.from({ length: 5 }, () => timed(getOrg(t))));
      for (const { res, ms } of caught) {
        assert.equal(res.statusCode, 200, res.body);
        assert.ok(ms < COMMAND_TIMEOUT_MS + MARGIN_MS, `answered in ${Math.round(ms)} ms while Redis is frozen`);
      }
      // … and later ones do not wait for Redis at all: they are counted in the process.
      for (let i = 0; i < 5; i++) {
        const { res, ms } = await timed(getOrg(t));
        assert.equal(res.statusCode, 200);
        assert.ok(ms < MARGIN_MS, `answered in ${Math.round(ms)} ms after the fallback`);
        assert.equal(res.headers['x-ratelimit-limit'], '1000');
      }
      const probe = await timed(health(t));
      assert.ok(probe.ms < COMMAND_TIMEOUT_MS + MARGIN_MS, `health answered in ${Math.round(probe.ms)} ms`);
      assert.equal(probe.res.statusCode, 200, 'fail-open: Redis is not required');
      assert.equal(probe.res.json().status, 'DEGRADED');
      assert.equal(probe.res.json().data.cache, false);
      assert.equal(lostLines(t.logs()).length, 1, 'the loss is logged once, not per request');
      assert.equal(lostLines(t.logs())[0]!.redis, `127.0.0.1:${redis.port}`);

      redis.thaw();
      await waitFor('the recovery log line', () => backLines(t.logs()).length === 1);
      // Counting is shared again: what the response reports is what Redis holds.
      const shared = await sharedCount(redis, t);
      const res = await t.call({ method: 'GET', url: '/v1/organizations' });
      assert.equal(res.statusCode, 200);
      assert.equal(await sharedCount(redis, t), shared + 1);
      assert.equal(Number(res.headers['x-ratelimit-remaining']), 1000 - (shared + 1));
      assert.equal(lostLines(t.logs()).length, 1);
      assert.equal((await t.call({ method: 'GET', url: '/v1/health', key: null })).json().status, 'OK');
    } finally {
      await c.run();
    }
  });

  test('killed Redis: one warn line, per-process counting; restarted: one info line, exact shared counting across processes', async () => {
    const c = cleanup();
    try {
      const redis = await privateRedis(c);
      const t = await appOn(c, redis);
      assert.equal((await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { metadata: 6 } } })).statusCode, 200);
      const other = await secondApp(c, t.config);
      const call = (i: number) => (i % 2 === 0 ? t.app : other.app).inject({ method: 'GET', url: '/v1/organizations', headers: { authorization: `Bearer ${t.adminKey}` } });

      await redis.kill();
      const during = [];
      for (let i = 0; i < 14; i++) during.push(await timed(() => call(i)));
      for (const { ms } of during) assert.ok(ms < COMMAND_TIMEOUT_MS + MARGIN_MS, `answered in ${Math.round(ms)} ms with Redis down`);
      // Each process counts on its own meanwhile: the limit holds per process, 6 each.
      assert.equal(during.filter(({ res }) => res.statusCode === 200).length, 12);
      assert.equal(lostLines(t.logs()).length, 1);
      assert.equal(lostLines(other.logs()).length, 1);

      await redis.restart();
      await waitFor('both processes to find Redis again', () => backLines(t.logs()).length === 1 && backLines(other.logs()).length === 1);
      // The restarted Redis is empty (no persistence): a new shared window of 6 for both processes together.
      const results = await Promise.all(Array.from({ length: 14 }, (_, i) => call(i)));
      assert.equal(results.filter((r) => r.statusCode === 200).length, 6);
      assert.equal(results.filter((r) => r.statusCode === 429).length, 8);
      assert.equal(await sharedCount(redis, t), 14);
      assert.equal(lostLines(t.logs()).length, 1);
      assert.equal(backLines(t.logs()).length, 1);
    } finally {
      await c.run();
    }
  });

  test('start-up with Redis down starts degraded, names Redis in a warn line, and recovers when it starts', async () => {
    const c = cleanup();
    try {
      const redis = await privateRedis(c);
      await redis.kill();
      const t = await appOn(c, redis);
      assert.equal(lostLines(t.logs()).length, 1);
      assert.match(lostLines(t.logs())[0]!.msg, /Redis/);
      const res = await t.call({ method: 'GET', url: '/v1/organizations' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-ratelimit-remaining'], '9');
      const probe = await t.call({ method: 'GET', url: '/v1/health', key: null });
      assert.equal(probe.statusCode, 200);
      assert.equal(probe.json().status, 'DEGRADED');
      assert.equal(probe.json().data.cache, false);

      await redis.restart();
      await waitFor('the recovery log line', () => backLines(t.logs()).length === 1);
      assert.equal((await t.call({ method: 'GET', url: '/v1/organizations' })).statusCode, 200);
      assert.equal(await sharedCount(redis, t), 1);
    } finally {
      await c.run();
    }
  });

  test('start-up with a frozen Redis is bounded by the connect timeout', async () => {
    const c = cleanup();
    try {
      const redis = await privateRedis(c);
      // What a start costs here with Redis answering (a fresh store: migrations included, which
      // grow with the schema and with the machine's load): the frozen start may add the connect
      // timeout to that, not hang.
      const baselineStarted = performance.now();
      await appOn(c, redis, { redisConnectTimeoutMs: 500 });
      const baselineMs = performance.now() - baselineStarted;
      redis.freeze();
      const started = performance.now();
      const t = await appOn(c, redis, { redisConnectTimeoutMs: 500 });
      const frozenMs = performance.now() - started;
      assert.ok(frozenMs < baselineMs + 500 + 2000, `started within the connect timeout plus set-up: ${Math.round(frozenMs)} ms (a start with Redis answering: ${Math.round(baselineMs)} ms)`);
      const { res, ms } = await timed(getOrg(t));
      assert.equal(res.statusCode, 200);
      assert.ok(ms < MARGIN_MS, `answered in ${Math.round(ms)} ms`);
      redis.thaw();
      await waitFor('the recovery log line', () => backLines(t.logs()).length === 1);
    } finally {
      await c.run();
    }
  });
});

describe(`Redis faults, fail-closed [${BACKEND}]`, () => {
  test('Redis down: limited requests are 503 with Retry-After in the envelope, health is 503; both recover', async () => {
    const c = cleanup();
    try {
      const redis = await privateRedis(c);
      const t = await appOn(c, redis, { redisFailureMode: 'closed' });
      assert.equal((await t.call({ method: 'GET', url: '/v1/organizations' })).statusCode, 200);
      const ok = await t.call({ method: 'GET', url: '/v1/health', key: null });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.json().status, 'OK');
      assert.equal(ok.json().data.cache, true);
      assert.equal(ok.json().meta.components.cache, 'redis');

      redis.freeze();
      const { res, ms } = await timed(getOrg(t));
      assert.ok(ms < COMMAND_TIMEOUT_MS + MARGIN_MS, `refused in ${Math.round(ms)} ms`);
      const body = assertError(res, 503, 'ServiceUnavailableError');
      assert.equal(res.headers['retry-after'], '5');
      assert.equal(body.error.details.retry_after, 5);
      assert.doesNotMatch(res.body, /timed out|ECONN|ioredis/i, 'no driver text');
      assertError((await timed(getOrg(t))).res, 503, 'ServiceUnavailableError');

      const probe = await timed(health(t));
      assert.ok(probe.ms < COMMAND_TIMEOUT_MS + MARGIN_MS, `health answered in ${Math.round(probe.ms)} ms`);
      assert.equal(probe.res.statusCode, 503);
      assert.equal(probe.res.headers['retry-after'], '5');
      assert.equal(probe.res.json().status, 'DEGRADED');
      assert.equal(probe.res.json().data.cache, false);
      assert.equal(probe.res.json().data.metadata, true);
      assert.equal(probe.res.json().errors.cache, 'unreachable');
      assert.equal(probe.res.json().meta.components.cache, 'redis');
      assert.equal(lostLines(t.logs()).length, 1);

      redis.thaw();
      await waitFor('the recovery log line', () => backLines(t.logs()).length === 1);
      assert.equal((await t.call({ method: 'GET', url: '/v1/organizations' })).statusCode, 200);
      assert.equal((await t.call({ method: 'GET', url: '/v1/health', key: null })).statusCode, 200);
    } finally {
      await c.run();
    }
  });

  test('start-up with Redis down is refused with a message naming Redis and TESSERA_REDIS_URL', async () => {
    const c = cleanup();
    try {
      const redis = await privateRedis(c);
      await redis.kill();
      await assert.rejects(appOn(c, redis, { redisFailureMode: 'closed' }), (err: Error) => {
        assert.match(err.message, /Redis/);
        assert.match(err.message, /TESSERA_REDIS_URL/);
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${redis.port}`));
        return true;
      });
      // A frozen Redis is refused too, within the connect timeout.
      await redis.restart();
      redis.freeze();
      const started = performance.now();
      await assert.rejects(appOn(c, redis, { redisFailureMode: 'closed', redisConnectTimeoutMs: 500 }), /TESSERA_REDIS_URL/);
      assert.ok(performance.now() - started < 500 + 3000, 'refused within the connect timeout plus set-up');
    } finally {
      await c.run();
    }
  });

  test('a server process with Redis down exits with that message', async () => {
    const c = cleanup();
    try {
      const redis = await privateRedis(c);
      await redis.kill();
      const store = await freshStore();
      c.add(() => store.drop());
      const env: NodeJS.ProcessEnv = { ...process.env, ...storeEnv(store.settings), PORT: '0', TESSERA_REDIS_URL: redis.url, TESSERA_REDIS_FAILURE_MODE: 'closed' };
      const run = await runNode(SERVER_ARGS, env, 30_000);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Tessera failed to start: Redis \(TESSERA_REDIS_URL, 127\.0\.0\.1:\d+\) did not answer/);
    } finally {
      await c.run();
    }
  });
});

describe(`health check bounds and components [${BACKEND}]`, () => {
  let memoryApp: TestApp | undefined;
  after(async () => {
    await memoryApp?.close();
  });

  test('without Redis the cache component is in-process and up', async () => {
    memoryApp = await createTestApp({ rateLimiting: true });
    const res = await memoryApp.call({ method: 'GET', url: '/v1/health', key: null });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().data.cache, true);
    assert.equal(res.json().meta.components.cache, 'in-process');
  });

  test('a metadata store that never answers makes health 503 within its probe timeout, not a hang', async () => {
    const c = cleanup();
    try {
      const t = await createTestApp();
      c.add(() => t.close());
      // A driver that never calls back (a hung connection), not a database double: only ping hangs.
      const store = t.app.metadataStore as { ping: () => Promise<void> };
      store.ping = () => new Promise<void>(() => {});
      const { res, ms } = await timed(health(t));
      assert.ok(ms < 2000 + MARGIN_MS, `health answered in ${Math.round(ms)} ms`);
      assert.equal(res.statusCode, 503);
      assert.ok(Number(res.headers['retry-after']) >= 1);
      assert.equal(res.json().status, 'DEGRADED');
      assert.equal(res.json().data.metadata, false);
      assert.equal(res.json().errors.metadata, 'timeout');
    } finally {
      await c.run();
    }
  });
});

// `tessera worker` and the runtime under it: a process without HTTP that starts, reports health,
// and stops cleanly; and a runtime that closes once however often it is asked.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildApp, buildHttpApp } from '../src/app.ts';
import { ENVIRONMENT_VARIABLES, validateConfig } from '../src/config.ts';
import { openRuntime } from '../src/runtime.ts';
import { REPO_ROOT, runNode } from './helpers/run-node.ts';
import { storeEnv } from './helpers/server-process.ts';
import { dropRedisPrefix } from './helpers/shared-redis.ts';
import { BACKEND, freshStore, uniqueName } from './helpers/test-app.ts';
import { JOB_NAMES } from '../src/engine/jobs/job-catalogue.ts';

const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL;

/** Only these Tessera variables: nothing from the developer's shell picks the store. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) env[k] = v;
  return { ...env, LOG_LEVEL: 'info', ...extra };
}

interface StartedWorker {
  child: ChildProcess;
  status: Record<string, any>;
  output: () => string;
}

/** Spawns `tessera worker --json` and resolves with its status line (the JSON line that is not a log line). */
async function startWorker(env: NodeJS.ProcessEnv): Promise<StartedWorker> {
  const child = spawn(process.execPath, ['bin/tessera.js', 'worker', '--json'], { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const status = await new Promise<Record<string, any>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 30_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    };
    child.once('exit', onExit);
    child.stdout!.on('data', () => {
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue;
        const parsed = JSON.parse(line) as Record<string, any>;
        if (parsed.role === 'worker' && parsed.msg === undefined) {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(parsed);
        }
      }
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return { child, status, output: () => output };
}

async function stopWithin(child: ChildProcess, ms: number): Promise<{ code: number | null; elapsedMs: number }> {
  const started = Date.now();
  const exited = once(child, 'exit') as Promise<[number | null]>;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code] = await exited;
  clearTimeout(timer);
  return { code, elapsedMs: Date.now() - started };
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe(`tessera worker (${BACKEND})`, () => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  before(async () => {
    store = await freshStore();
  });
  after(async () => {
    await store.drop();
  });

  test('starts on a fresh store, reports healthy, exits 0 on SIGTERM and leaves the store usable', async () => {
    const worker = await startWorker(storeEnv(store.settings));
    try {
      assert.equal(worker.status.healthy, true, worker.output());
      assert.deepEqual(worker.status.metadata, { ok: true, backend: BACKEND, error: null });
      assert.deepEqual(worker.status.redis, { ok: true, location: 'in-process', error: null });
      // The log line and the status line are written by different streams: either may come first.
      assert.deepEqual(worker.status.jobs, { queue: 'database', concurrency: 4, names: [...JOB_NAMES] });
      await until(() => /running jobs until SIGTERM/.test(worker.output()), 10_000);
      assert.match(worker.output(), /running jobs until SIGTERM/);
    } finally {
      const { code, elapsedMs } = await stopWithin(worker.child, 5000);
      assert.equal(code, 0, worker.output());
      assert.ok(elapsedMs < 5000, `stopped in ${elapsedMs} ms`);
    }
    assert.match(worker.output(), /worker shutting down/);

    // The worker migrated the store but did not bootstrap it: the first API start still does.
    const adminKey = `sk_test_${uniqueName('w')}`;
    const app = await buildApp(validateConfig({ ...store.settings, logLevel: 'silent', bootstrapApiKey: adminKey }));
    try {
      assert.notEqual(app.bootstrap, null);
      const res = await app.inject({ method: 'GET', url: '/v1/organizations', headers: { authorization: `Bearer ${adminKey}` } });
      assert.equal(res.statusCode, 200, res.body);
    } finally {
      await app.close();
    }
  });

  test('reports Redis when TESSERA_REDIS_URL is set', { skip: REDIS_URL ? false : 'TESSERA_TEST_REDIS_URL not set' }, async () => {
    const prefix = `${uniqueName('worker')}:`;
    try {
      const worker = await startWorker({ ...storeEnv(store.settings), TESSERA_REDIS_URL: REDIS_URL!, TESSERA_REDIS_KEY_PREFIX: prefix });
      try {
        assert.deepEqual(worker.status.redis, { ok: true, location: 'redis', error: null }, worker.output());
      } finally {
        const { code } = await stopWithin(worker.child, 5000);
        assert.equal(code, 0, worker.output());
      }
    } finally {
      await dropRedisPrefix(prefix);
    }
  });

  test('exits 1 naming the store when it is unreachable', async () => {
    const env =
      BACKEND === 'postgres'
        ? { TESSERA_DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/test`, TESSERA_DATABASE_CONNECT_TIMEOUT_MS: '2000' }
        : { TESSERA_DATA_DIR: '/dev/null/tessera' };
    const run = await runNode(['bin/tessera.js', 'worker', '--json'], cleanEnv(env), 20_000);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, BACKEND === 'postgres' ? /TESSERA_DATABASE_URL/ : /TESSERA_DATA_DIR/);
    assert.match(run.stderr, /metadata store/);
  });
});

describe(`openRuntime (${BACKEND})`, () => {
  test('an app over a runtime the caller owns leaves it open; close() twice is safe', async () => {
    const store = await freshStore();
    try {
      const config = validateConfig({ ...store.settings, logLevel: 'silent', bootstrapApiKey: `sk_test_${uniqueName('r')}` });
      const runtime = await openRuntime(config, { role: 'api' });
      assert.notEqual(runtime.bootstrap, null);
      const app = await buildHttpApp(runtime);
      const res = await app.inject({ method: 'GET', url: '/v1/health' });
      assert.equal(res.statusCode, 200, res.body);
      await app.close();
      // Still open: the app did not own it.
      assert.equal((await runtime.services.health.check()).metadata.ok, true);
      await Promise.all([runtime.close(), runtime.close()]);
      await runtime.close();
      // Workers never bootstrap (see RuntimeRole).
      const worker = await openRuntime(config, { role: 'worker' });
      assert.equal(worker.bootstrap, null);
      await worker.close();
      await worker.close();
    } finally {
      await store.drop();
    }
  });
});

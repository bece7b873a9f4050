// What a database fault does to requests: a dropped connection, a lock held past the statement
// timeout, a store that cannot be reached at start. Requests answer 503 with the envelope and
// Retry-After (never a 500, a hang or a crash) and the process recovers on its own.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { ENVIRONMENT_VARIABLES } from '../src/config.ts';
import { runNode, SERVER_ARGS } from './helpers/run-node.ts';
import { startServer, storeEnv, type ServerProcess } from './helpers/server-process.ts';
import { BACKEND, createTestApp, freshStore } from './helpers/test-app.ts';

const STATEMENT_TIMEOUT_MS = 300;
/** Time a refused request may take beyond the statement timeout (process and scheduling noise). */
const MARGIN_MS = 1500;

interface Envelope {
  success: boolean;
  status: number;
  error: { type: string; code?: string; message: string; details: Record<string, unknown> | null };
}

function assertUnavailable(status: number, headers: { get(name: string): string | null }, body: Envelope, code: string): void {
  assert.equal(status, 503, JSON.stringify(body));
  assert.equal(body.success, false);
  assert.equal(body.status, 503);
  assert.equal(body.error.type, 'ServiceUnavailableError');
  assert.equal(body.error.code, code);
  assert.match(headers.get('retry-after') ?? '', /^\d+$/);
}

/** The test's environment without any setting Tessera reads. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) env[k] = v;
  return { ...env, PORT: '0', ...extra };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(`Database faults [${BACKEND}]`, () => {
  test('PostgreSQL: terminating the sessions of two serving processes costs only requests in flight', { skip: BACKEND !== 'postgres', timeout: 90_000 }, async (ctx) => {
    const store = await freshStore();
    const schema = store.settings.databaseSchema!;
    // A password in the URL (trust auth ignores it) must never reach the output.
    const url = new URL(store.settings.databaseUrl!);
    url.password = 'never-logged-8c1f';
    const adminKey = `sk_test_${randomBytes(24).toString('base64url')}`;
    const env = {
      ...storeEnv({ ...store.settings, databaseUrl: url.href }),
      TESSERA_BOOTSTRAP_API_KEY: adminKey,
      TESSERA_RATE_LIMITING: 'false',
      // Every request reads the database: no cache between the requests and the fault.
      TESSERA_CACHE_TTL_MS: '0',
      TESSERA_DATABASE_POOL_SIZE: '4',
    };
    const admin = new pg.Client({ connectionString: store.settings.databaseUrl! });
    await admin.connect();
    const servers: ServerProcess[] = [];
    try {
      servers.push(await startServer(env));
      servers.push(await startServer(env));
      const results: { server: number; status: number | 'error'; detail: string; ms: number }[] = [];
      let running = true;
      const load = async (server: number) => {
        while (running) {
          const started = Date.now();
          try {
            const res = await fetch(`${servers[server]!.url}/v1/organizations`, {
              headers: { authorization: `Bearer ${adminKey}` },
              signal: AbortSignal.timeout(5000),
            });
            const body = (await res.json()) as Envelope;
            if (res.status === 503) assertUnavailable(res.status, res.headers, body, body.error.code === 'database_timeout' ? 'database_timeout' : 'database_unavailable');
            results.push({ server, status: res.status, detail: res.status === 200 ? '' : JSON.stringify(body), ms: Date.now() - started });
          } catch (err) {
            results.push({ server, status: 'error', detail: String(err), ms: Date.now() - started });
          }
        }
      };
      const loops = [0, 1, 0, 1, 0, 1].map((s) => load(s));
      let terminated = 0;
      for (let round = 0; round < 4; round++) {
        await delay(250);
        // Only this test's processes: their sessions carry application_name tessera/<schema>.
        const res = await admin.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [`tessera/${schema}`]);
        terminated += res.rows.filter((r: { ok: boolean }) => r.ok).length;
      }
      await delay(250);
      running = false;
      await Promise.all(loops);

      assert.ok(terminated > 0, 'the test terminated some sessions');
      for (const s of servers) assert.equal(s.child.exitCode ?? s.child.signalCode, null, `server still running:\n${s.output()}`);
      const bad = results.filter((r) => r.status !== 200 && r.status !== 503);
      assert.deepEqual(bad, [], 'every request either succeeded or got the 503 envelope');
      assert.ok(results.filter((r) => r.status === 200).length > 0);
      const slowest = Math.max(...results.map((r) => r.ms));
      assert.ok(slowest < 5000, `no request hung (slowest ${slowest} ms)`);

      // Both serve again at once: the pool replaced the dropped connections by itself.
      for (const s of servers) {
        const started = Date.now();
        const res = await fetch(`${s.url}/v1/organizations`, { headers: { authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(5000) });
        assert.equal(res.status, 200, await res.text());
        assert.ok(Date.now() - started < 2000);
      }
      const output = servers.map((s) => s.output()).join('\n');
      assert.match(output, /database connection lost/, 'the lost connections are logged');
      assert.ok(!output.includes('never-logged-8c1f'), 'the database password is never printed');
      const refused = results.filter((r) => r.status === 503).length;
      ctx.diagnostic(`requests: ${results.length}, 503: ${refused}, sessions terminated: ${terminated}`);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await admin.end();
      await store.drop();
    }
  });

  test('PostgreSQL: a table lock held past the statement timeout answers 503 database_timeout at once', { skip: BACKEND !== 'postgres', timeout: 60_000 }, async (ctx) => {
    const t = await createTestApp({ databaseStatementTimeoutMs: STATEMENT_TIMEOUT_MS, cacheTtlMs: 0 });
    const locker = new pg.Client({ connectionString: t.config.databaseUrl! });
    await locker.connect();
    try {
      // The lock can never outlive 20 s, even if this test dies holding it.
      await locker.query("SET idle_in_transaction_session_timeout = '20s'");
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE "${t.config.databaseSchema}".organizations IN ACCESS EXCLUSIVE MODE`);
      const started = Date.now();
      const res = await t.call({ method: 'GET', url: '/v1/organizations' });
      const elapsed = Date.now() - started;
      assertUnavailable(res.statusCode, { get: (n) => (res.headers[n] as string | undefined) ?? null }, res.json(), 'database_timeout');
      assert.ok(elapsed < STATEMENT_TIMEOUT_MS + MARGIN_MS, `answered in ${elapsed} ms`);
      ctx.diagnostic(`503 after ${elapsed} ms (timeout ${STATEMENT_TIMEOUT_MS} ms)`);
      assert.ok(!JSON.stringify(res.json()).includes('statement timeout'), 'no driver message reaches the client');
      assert.match(t.logs(), /statement timeout/, 'the cause is logged');
      await locker.query('ROLLBACK');
      const again = await t.call({ method: 'GET', url: '/v1/organizations' });
      assert.equal(again.statusCode, 200, again.body);
    } finally {
      await locker.end().catch(() => {});
      await t.close();
    }
  });

  test('SQLite: a write lock held by another connection answers 503 database_timeout within the busy timeout', { skip: BACKEND !== 'sqlite', timeout: 60_000 }, async (ctx) => {
    const t = await createTestApp({ databaseStatementTimeoutMs: STATEMENT_TIMEOUT_MS, cacheTtlMs: 0 });
    const other = new SQLite(path.join(t.config.dataDir, 'tessera.db'));
    try {
      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      const res = await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { organization_name: 'While locked' } });
      const elapsed = Date.now() - started;
      assertUnavailable(res.statusCode, { get: (n) => (res.headers[n] as string | undefined) ?? null }, res.json(), 'database_timeout');
      assert.ok(elapsed < STATEMENT_TIMEOUT_MS + MARGIN_MS, `answered in ${elapsed} ms`);
      ctx.diagnostic(`503 after ${elapsed} ms (timeout ${STATEMENT_TIMEOUT_MS} ms)`);
      assert.match(t.logs(), /database is locked/, 'the cause is logged');
      // The write succeeds once the lock is gone.
      other.exec('ROLLBACK');
      const again = await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { organization_name: 'After the lock' } });
      assert.equal(again.statusCode, 200, again.body);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await t.close();
    }
  });

  describe('start-up with the store out of reach fails fast, naming it', () => {
    const silent = net.createServer(() => {
      // Accepts and never answers: a host that is up but not speaking PostgreSQL (or a hung one).
    });
    const sockets = new Set<net.Socket>();
    silent.on('connection', (s) => sockets.add(s));
    after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    test('PostgreSQL on a closed port', { timeout: 90_000 }, async (ctx) => {
      const port = await freePort();
      const started = Date.now();
      const run = await runNode(SERVER_ARGS, cleanEnv({ TESSERA_DATABASE_URL: `postgres://tessera:never-printed-5d2e@127.0.0.1:${port}/tessera` }), 60_000);
      const output = run.stdout + run.stderr;
      assert.equal(run.code, 1, output);
      assert.match(output, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.match(output, /TESSERA_DATABASE_URL/);
      assert.match(output, /database "tessera"/);
      assert.ok(!output.includes('never-printed-5d2e'), output);
      ctx.diagnostic(`exited after ${Date.now() - started} ms`);
    });

    test('PostgreSQL that accepts but never answers: exits within the connect timeout', { timeout: 90_000 }, async (ctx) => {
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as net.AddressInfo;
      // A reference process started at the same time, with the same imports, fails at once (a data
      // directory that cannot be created): on a loaded machine both pay the same start-up, so the
      // difference is what the connection attempt took.
      const timed = async (env: NodeJS.ProcessEnv) => {
        const started = Date.now();
        const run = await runNode(SERVER_ARGS, cleanEnv(env), 60_000);
        return { run, elapsed: Date.now() - started };
      };
      const [silentRun, reference] = await Promise.all([
        timed({ TESSERA_DATABASE_URL: `postgres://tessera@127.0.0.1:${port}/tessera`, TESSERA_DATABASE_CONNECT_TIMEOUT_MS: '500' }),
        timed({ TESSERA_DATA_DIR: '/dev/null/tessera' }),
      ]);
      const { run, elapsed } = silentRun;
      const output = run.stdout + run.stderr;
      assert.equal(run.code, 1, output);
      assert.equal(reference.run.code, 1, reference.run.stdout + reference.run.stderr);
      assert.match(output, new RegExp(`Cannot connect to the PostgreSQL metadata store \\(127\\.0\\.0\\.1:${port}`));
      assert.match(output, /timeout/);
      // The connection attempt is bounded by 500 ms; 2.5 s more covers the noise between two processes.
      ctx.diagnostic(`exited after ${elapsed} ms; the reference after ${reference.elapsed} ms`);
      assert.ok(elapsed - reference.elapsed < 3000, `exited after ${elapsed} ms, ${elapsed - reference.elapsed} ms after the reference`);
    });

    test('SQLite data directory that cannot be created', { timeout: 90_000 }, async () => {
      const run = await runNode(SERVER_ARGS, cleanEnv({ TESSERA_DATA_DIR: '/dev/null/tessera' }), 60_000);
      const output = run.stdout + run.stderr;
      assert.equal(run.code, 1, output);
      assert.match(output, /Cannot open the SQLite metadata store at \/dev\/null\/tessera\/tessera\.db/);
      assert.match(output, /TESSERA_DATA_DIR/);
    });
  });
});

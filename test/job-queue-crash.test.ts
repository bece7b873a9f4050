// kill -9 mid-job: a worker process dies while running a long job; a restarted process finishes it.
// Embedded queue: the dead process's lease expires (short here) and the next claim re-runs the job.
// BullMQ: the job's lock expires and the stalled check moves it back to wait.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { ENVIRONMENT_VARIABLES } from '../src/config.ts';
import { eventually, openHarness, TENANT, type QueueHarness, type QueueKind } from './helpers/job-queues.ts';
import { BUILT, REPO_ROOT } from './helpers/run-node.ts';
import { storeEnv } from './helpers/server-process.ts';
import { dropRedisPrefix, TEST_REDIS_URL } from './helpers/shared-redis.ts';
import { BACKEND, uniqueName } from './helpers/test-app.ts';

const FIXTURE = BUILT ? ['.build/test/fixtures/job-worker.js'] : ['--import', 'tsx', 'test/fixtures/job-worker.ts'];

interface Worker {
  child: ChildProcess;
  lines: () => Record<string, any>[];
  output: () => string;
}

function startWorker(env: NodeJS.ProcessEnv): Worker {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) base[k] = v;
  const child = spawn(process.execPath, FIXTURE, { cwd: REPO_ROOT, env: { ...base, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return {
    child,
    output: () => out,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, any>),
  };
}

function crashSuite(kind: QueueKind): void {
  describe(`kill -9 mid-job: ${kind} queue (${BACKEND})`, () => {
    let h: QueueHarness;
    const prefix = uniqueName('crashq');
    const children: ChildProcess[] = [];
    before(async () => {
      h = await openHarness(kind);
    });
    after(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await h.close();
      if (kind === 'redis') await dropRedisPrefix(prefix);
    });

    test('a restarted process finishes the job the killed one was running', { timeout: 60_000 }, async () => {
      // The workers and this test share a store: the harness's, passed by environment.
      const env = {
        ...storeEnv(h.settings),
        JOB_QUEUE_KIND: kind,
        JOB_PREFIX: prefix,
        JOB_LEASE_MS: '1000',
        ...(TEST_REDIS_URL ? { JOB_REDIS_URL: TEST_REDIS_URL } : {}),
      };
      const first = startWorker({ ...env, JOB_RUN_MS: '60000' });
      children.push(first.child);
      await eventually(() => first.lines().some((l) => l.ready), 30_000, `the first worker to start:\n${first.output()}`);

      // Enqueued through the outbox; the worker's own relay (Redis) or claim (database) picks it up.
      const id = `crash:${uniqueName()}`;
      await h.store.transaction(async (repos) => {
        await repos.jobs.insertIfAbsent({ id, name: 'test.slow', payload: { ...TENANT, key: 'k', ms: 0 }, maxAttempts: 3, runAfter: new Date().toISOString(), taskId: null, now: new Date().toISOString() });
      });
      await eventually(() => first.lines().some((l) => l.started === id), 20_000, `the job to start:\n${first.output()}`);
      const exited = once(first.child, 'exit');
      first.child.kill('SIGKILL');
      await exited;
      assert.equal((await h.store.jobs.find(id))?.status, 'running', 'the dead process left the job running');

      const second = startWorker({ ...env, JOB_RUN_MS: '10' });
      children.push(second.child);
      const done = await eventually(
        async () => {
          const job = await h.store.jobs.find(id);
          return job?.status === 'completed' ? job : undefined;
        },
        30_000,
        `the restarted worker to finish the job:\n${second.output()}`,
      );
      const rerun = second.lines().find((l) => l.started === id);
      assert.ok(rerun, 'the second process ran it');
      assert.equal(rerun.attempt, 2);
      assert.equal(done.attempts, 2);
      const exitedSecond = once(second.child, 'exit');
      second.child.kill('SIGTERM');
      const [code] = (await exitedSecond) as [number | null];
      assert.equal(code, 0, second.output());
    });

    test('killed on its last attempt: the next process gives the job up and runs its onExhausted hook first', { timeout: 60_000 }, async () => {
      const env = {
        ...storeEnv(h.settings),
        JOB_QUEUE_KIND: kind,
        JOB_PREFIX: prefix,
        JOB_LEASE_MS: '1000',
        ...(TEST_REDIS_URL ? { JOB_REDIS_URL: TEST_REDIS_URL } : {}),
      };
      const first = startWorker({ ...env, JOB_RUN_MS: '60000' });
      children.push(first.child);
      await eventually(() => first.lines().some((l) => l.ready), 30_000, `the first worker to start:\n${first.output()}`);
      const id = `last:${uniqueName()}`;
      const key = uniqueName('key');
      await h.store.transaction(async (repos) => {
        await repos.jobs.insertIfAbsent({ id, name: 'test.slow', payload: { ...TENANT, key, ms: 0 }, maxAttempts: 1, runAfter: new Date().toISOString(), taskId: null, now: new Date().toISOString() });
      });
      await eventually(() => first.lines().some((l) => l.started === id), 20_000, `the job to start:\n${first.output()}`);
      const exited = once(first.child, 'exit');
      first.child.kill('SIGKILL');
      await exited;

      const second = startWorker({ ...env, JOB_RUN_MS: '10' });
      children.push(second.child);
      const failed = await eventually(
        async () => {
          const job = await h.store.jobs.find(id);
          return job?.status === 'failed' ? job : undefined;
        },
        30_000,
        `the restarted worker to give the job up:\n${second.output()}`,
      );
      assert.match(failed.lastError ?? '', /attempts exhausted/);
      assert.ok(!second.lines().some((l) => l.started === id), 'the handler did not run again');
      const hook = second.lines().find((l) => l.exhausted === key);
      assert.ok(hook, `onExhausted ran:\n${second.output()}`);
      assert.match(hook.error, /attempts exhausted/);
      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    });
  });
}

crashSuite('database');
if (TEST_REDIS_URL) crashSuite('redis');

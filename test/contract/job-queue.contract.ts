// One contract for every job queue adapter: the embedded queue (on SQLite and PostgreSQL) and
// BullMQ. test/job-queue.test.ts runs it against each.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { provisionOrganization } from '../../src/engine/accounts/provision-organization.ts';
import { MissingJobHandlersError } from '../../src/engine/jobs/job-registry.ts';
import { PermanentJobError } from '../../src/engine/jobs/job-runner.ts';
import { systemClock } from '../../src/engine/ports/clock.ts';
import { systemScope } from '../../src/engine/scope/request-scope.ts';
import { TaskService } from '../../src/engine/tasks/task-service.ts';
import { eventually, openHarness, TENANT, type QueueHarness, type QueueKind } from '../helpers/job-queues.ts';
import { uniqueName } from '../helpers/test-app.ts';

export function jobQueueContract(kind: QueueKind, label: string): void {
  describe(`job queue contract: ${label}`, () => {
    let h: QueueHarness;
    before(async () => {
      h = await openHarness(kind);
    });
    after(async () => {
      await h.close();
    });

    test('an enqueued job runs once with its typed payload and ends completed', async () => {
      const queue = h.open();
      const seen: string[] = [];
      queue.register('test.echo', async (payload, ctx) => {
        seen.push(`${payload.value}@${ctx.attempt}`);
      });
      registerRest(queue);
      await queue.start();
      const id = `echo:${uniqueName()}`;
      const { created, job } = await queue.enqueue({ id, name: 'test.echo', payload: { ...TENANT, value: 'hello' } });
      assert.equal(created, true);
      assert.equal(job.status, 'queued');
      const done = await eventually(async () => {
        const j = await queue.get(id);
        return j?.status === 'completed' ? j : undefined;
      });
      assert.deepEqual(seen, ['hello@1']);
      assert.equal(done.attempts, 1);
      assert.equal(done.progress, 100);
      assert.deepEqual(done.payload, { ...TENANT, value: 'hello' });
      await delay(200);
      assert.deepEqual(seen, ['hello@1'], 'ran exactly once');
      await queue.close();
    });

    test('enqueueing an existing id is a no-op returning the existing job', async () => {
      const queue = h.open();
      let runs = 0;
      queue.register('test.echo', async () => {
        runs++;
      });
      registerRest(queue);
      const id = `dedupe:${uniqueName()}`;
      // Enqueued before start: the row waits.
      const first = await queue.enqueue({ id, name: 'test.echo', payload: { ...TENANT, value: 'a' } });
      const second = await queue.enqueue({ id, name: 'test.echo', payload: { ...TENANT, value: 'b' } });
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.deepEqual(second.job.payload, { ...TENANT, value: 'a' }, 'the stored job is unchanged');
      await queue.start();
      await eventually(async () => (await queue.get(id))?.status === 'completed');
      // After it ran, resubmission still dedupes: the job does not run again.
      const third = await queue.enqueue({ id, name: 'test.echo', payload: { ...TENANT, value: 'c' } });
      assert.equal(third.created, false);
      assert.equal(third.job.status, 'completed');
      await delay(300);
      assert.equal(runs, 1);
      await queue.close();
    });

    test('a failing job is retried with backoff, then fails with last_error', async () => {
      const queue = h.open();
      const times: number[] = [];
      queue.register('test.fail', async () => {
        times.push(Date.now());
        throw new Error(`boom ${times.length}`);
      }, { maxAttempts: 3, backoff: { baseMs: 100, maxMs: 400 } });
      queue.register('test.echo', async () => {});
      queue.register('test.slow', async () => {});
      queue.register('test.other', async () => {});
      await queue.start();
      const id = `fail:${uniqueName()}`;
      await queue.enqueue({ id, name: 'test.fail', payload: { ...TENANT, key: 'x' } });
      const failed = await eventually(async () => {
        const j = await queue.get(id);
        return j?.status === 'failed' ? j : undefined;
      }, 15_000);
      assert.equal(times.length, 3);
      assert.equal(failed.attempts, 3);
      assert.equal(failed.lastError, 'boom 3');
      // Exponential with equal jitter: at least half of 100 ms, then of 200 ms.
      assert.ok(times[1]! - times[0]! >= 45, `first retry after ${times[1]! - times[0]!} ms`);
      assert.ok(times[2]! - times[1]! >= 95, `second retry after ${times[2]! - times[1]!} ms`);
      await queue.close();
    });

    test('a permanent error fails the job at once', async () => {
      const queue = h.open();
      let runs = 0;
      queue.register('test.fail', async () => {
        runs++;
        throw new PermanentJobError('nothing to do');
      }, { maxAttempts: 5 });
      registerRest(queue, ['test.fail']);
      await queue.start();
      const id = `perm:${uniqueName()}`;
      await queue.enqueue({ id, name: 'test.fail', payload: { ...TENANT, key: 'x' } });
      const failed = await eventually(async () => {
        const j = await queue.get(id);
        return j?.status === 'failed' ? j : undefined;
      });
      assert.equal(runs, 1);
      assert.equal(failed.lastError, 'nothing to do');
      await queue.close();
    });

    test('progress is visible while the job runs, and the task follows the job', async () => {
      const org = await provisionOrganization(h.store, { organizationName: 'Jobs Org', accountType: 'free', credits: 0, adminEmail: `${uniqueName('jobs')}@example.com`, adminName: 'A' });
      const organization = (await h.store.organizations.findByPublicId(org.organizationId))!;
      const scope = systemScope(organization, 'test');
      const tasks = new TaskService(h.store, systemClock);
      const queue = h.open();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      queue.register('test.slow', async (_payload, ctx) => {
        await ctx.progress(40, 'two of five');
        await released;
        return { outputs: ['obj_1', { deleted: 5 }], additionalData: { deleted_count: 5 } };
      });
      registerRest(queue, ['test.slow']);
      await queue.start();
      const id = `progress:${uniqueName()}`;
      const task = await h.store.transaction(async (repos) => {
        const created = await tasks.createIn(repos, scope, { taskType: 'api_buckets_delete', inputs: ['bkt_1'], additionalData: { bucket_id: 'bkt_1' } });
        await queue.enqueueIn(repos, { id, name: 'test.slow', payload: { organization_id: org.organizationId, namespace_id: null, key: 'p', ms: 0 }, taskId: created.taskId });
        return created;
      });
      assert.equal((await tasks.get(scope, task.taskId)).status, 'PENDING');
      const running = await eventually(async () => {
        const j = await queue.get(id);
        return j?.progress === 40 ? j : undefined;
      });
      assert.equal(running.status, 'running');
      assert.equal(running.progressMessage, 'two of five');
      const inProgress = await tasks.get(scope, task.taskId);
      assert.equal(inProgress.status, 'IN_PROGRESS');
      assert.equal(inProgress.progress, 40);
      release();
      const done = await eventually(async () => {
        const t = await tasks.get(scope, task.taskId);
        return t.status === 'COMPLETED' ? t : undefined;
      });
      assert.deepEqual(done.outputs, ['obj_1', { deleted: 5 }]);
      assert.equal(done.additionalData?.bucket_id, 'bkt_1');
      assert.equal(done.additionalData?.deleted_count, 5);
      assert.equal(done.progress, 100);
      await queue.close();
    });

    test('cancel: a waiting job never runs; a running one sees its signal abort and stays canceled', async () => {
      const queue = h.open();
      const ran: string[] = [];
      let aborted = false;
      queue.register('test.slow', async (payload, ctx) => {
        ran.push(payload.key);
        if (payload.key === 'running') {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
          aborted = true;
          throw ctx.signal.reason;
        }
      });
      registerRest(queue, ['test.slow']);
      await queue.start();
      const waiting = `cancel-wait:${uniqueName()}`;
      await queue.enqueue({ id: waiting, name: 'test.slow', payload: { ...TENANT, key: 'waiting', ms: 0 }, delayMs: 1500 });
      assert.equal(await queue.cancel(waiting), true);
      assert.equal(await queue.cancel(waiting), false, 'a second cancel changes nothing');
      const running = `cancel-run:${uniqueName()}`;
      await queue.enqueue({ id: running, name: 'test.slow', payload: { ...TENANT, key: 'running', ms: 0 } });
      await eventually(() => ran.includes('running'));
      assert.equal(await queue.cancel(running), true);
      // The heartbeat (a third of the lease) notices.
      await eventually(() => aborted, 5000, 'the handler to see the abort');
      await delay(2000);
      assert.equal((await queue.get(running))?.status, 'canceled');
      assert.equal((await queue.get(waiting))?.status, 'canceled');
      assert.ok(!ran.includes('waiting'), 'the canceled waiting job never ran');
      await queue.close();
    });

    test('no more than `concurrency` handlers run at once', async () => {
      const queue = h.open(undefined, { concurrency: 2 });
      let inFlight = 0;
      let most = 0;
      let finished = 0;
      queue.register('test.slow', async (payload) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await delay(payload.ms);
        inFlight--;
        finished++;
      });
      registerRest(queue, ['test.slow']);
      await queue.start();
      const batch = uniqueName();
      for (let i = 0; i < 6; i++) await queue.enqueue({ id: `conc:${batch}:${i}`, name: 'test.slow', payload: { ...TENANT, key: String(i), ms: 150 } });
      await eventually(() => finished === 6, 15_000);
      assert.equal(most, 2);
      await queue.close();
    });

    test('start-up fails naming a declared job without a handler; a subset may be declared', async () => {
      const queue = h.open(['test.echo', 'test.other']);
      queue.register('test.echo', async () => {});
      await assert.rejects(queue.start(), (err: unknown) => {
        assert.ok(err instanceof MissingJobHandlersError);
        assert.match(err.message, /'test\.other'/);
        assert.doesNotMatch(err.message, /test\.echo/);
        return true;
      });
      await queue.close();
      const subset = h.open(['test.echo']);
      subset.register('test.echo', async () => {});
      await subset.start();
      assert.throws(() => subset.register('test.echo', async () => {}), /handlers are registered before the queue starts/);
      await subset.close();
    });

    test('outbox: a job enqueued in a transaction that rolls back never runs; a committed one does', async () => {
      const queue = h.open();
      const ran: string[] = [];
      queue.register('test.echo', async (payload) => {
        ran.push(payload.value);
      });
      registerRest(queue);
      await queue.start();
      const rolledBack = `outbox-rb:${uniqueName()}`;
      await assert.rejects(
        h.store.transaction(async (repos) => {
          await queue.enqueueIn(repos, { id: rolledBack, name: 'test.echo', payload: { ...TENANT, value: 'rolled back' } });
          throw new Error('the state change failed');
        }),
        /the state change failed/,
      );
      const committed = `outbox-ok:${uniqueName()}`;
      await h.store.transaction(async (repos) => {
        await queue.enqueueIn(repos, { id: committed, name: 'test.echo', payload: { ...TENANT, value: 'committed' } });
      });
      await eventually(async () => (await queue.get(committed))?.status === 'completed');
      await delay(300);
      assert.deepEqual(ran, ['committed']);
      assert.equal(await queue.get(rolledBack), undefined);
      await queue.close();
    });

    test('close waits for running jobs to finish', async () => {
      const queue = h.open();
      let started = false;
      queue.register('test.slow', async (payload) => {
        started = true;
        await delay(payload.ms);
      });
      registerRest(queue, ['test.slow']);
      await queue.start();
      const id = `close:${uniqueName()}`;
      await queue.enqueue({ id, name: 'test.slow', payload: { ...TENANT, key: 'c', ms: 400 } });
      await eventually(() => started);
      const t0 = Date.now();
      await queue.close();
      assert.ok(Date.now() - t0 >= 200, 'close waited for the handler');
      assert.equal((await h.store.jobs.find(id))?.status, 'completed');
    });
  });
}

/** Registers no-op handlers for the test catalogue's other names, so start() passes. */
function registerRest(queue: ReturnType<QueueHarness['open']>, taken: string[] = ['test.echo']): void {
  for (const name of ['test.echo', 'test.fail', 'test.slow', 'test.other'] as const) {
    if (!taken.includes(name)) queue.register(name, async () => {});
  }
}

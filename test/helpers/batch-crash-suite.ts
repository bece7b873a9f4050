// kill -9 mid-batch: the process running a batch's chunks dies; a restarted one finishes the batch
// with every document written exactly once (deterministic ids, each chunk's documents and its
// "done" mark in one transaction) and the credits charged once per chunk (the spend is keyed by
// the chunk). Embedded: the API process runs the jobs (their leases expire, the next process reruns
// them). Scale-out: API processes relay to BullMQ and a `tessera worker` runs them.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { apiClient, startServer, startWorkerProcess, storeEnv, type ServerProcess } from './server-process.ts';
import { dropRedisPrefix, TEST_REDIS_URL } from './shared-redis.ts';
import { BACKEND, freshStore, uniqueName } from './test-app.ts';

const OBJECTS = 3000;
const CHUNK = 20;
const TERMINAL = ['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED'];

/** One queue's scenario; each runs from its own test file, so each file stays well inside the runner's per-file time limit on a loaded 2-core machine. */
export function crashSuite(queue: 'database' | 'redis'): void {
  const skip = queue === 'redis' && !TEST_REDIS_URL ? 'TESSERA_TEST_REDIS_URL is not set' : false;
  describe(`kill -9 mid-batch: ${queue} queue [${BACKEND}]`, { skip }, () => {
    const children: ChildProcess[] = [];
    const servers: ServerProcess[] = [];
    const prefix = `${uniqueName('btchq')}:`;
    let drop: (() => Promise<void>) | undefined;
    after(async () => {
      for (const s of servers) await s.stop('SIGKILL');
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      if (queue === 'redis') await dropRedisPrefix(prefix);
      await drop?.();
    });

    test('the restarted process finishes the batch: every document once, credits charged once per chunk', { timeout: 240_000 }, async (ctx) => {
      const store = await freshStore();
      drop = store.drop;
      const key = `sk_test_${randomBytes(24).toString('base64url')}`;
      const env: NodeJS.ProcessEnv = {
        ...storeEnv(store.settings),
        TESSERA_BOOTSTRAP_API_KEY: key,
        TESSERA_RATE_LIMITING: 'false',
        TESSERA_JOB_LEASE_MS: '1500',
        TESSERA_JOB_POLL_INTERVAL_MS: '100',
        TESSERA_BATCH_CHUNK_SIZE: String(CHUNK),
        ...(queue === 'redis' ? { TESSERA_JOB_QUEUE: 'redis', TESSERA_REDIS_URL: TEST_REDIS_URL, TESSERA_REDIS_PREFIX: prefix } : {}),
      };
      let server = await startServer(env);
      servers.push(server);
      const client = apiClient(() => server, key);
      const upgrade = await client.call('POST', '/v1/organizations/credits', { credits: 1_000_000 });
      assert.equal(upgrade.status, 200, JSON.stringify(upgrade.body));

      const ns = await client.call('POST', '/v1/namespaces', { namespace_name: uniqueName('ns'), feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] });
      assert.equal(ns.status, 200, JSON.stringify(ns.body));
      const h = { 'x-namespace': ns.body.namespace_id as string };
      const bucket = await client.call('POST', '/v1/buckets', { bucket_name: uniqueName('b'), bucket_schema: { properties: { content: { type: 'text' } } } }, h);
      assert.equal(bucket.status, 200, JSON.stringify(bucket.body));
      const bucketId = bucket.body.bucket_id as string;
      const objectIds: string[] = [];
      for (let i = 0; i < OBJECTS; i += 100) {
        const objects = Array.from({ length: 100 }, (_, j) => ({ blobs: [{ property: 'content', type: 'text', data: `short text number ${i + j} ${randomBytes(4).toString('hex')}` }] }));
        const res = await client.call('POST', `/v1/buckets/${bucketId}/objects/batch`, { objects }, h);
        assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
        for (const o of res.body.succeeded) objectIds.push(o.object_id);
      }
      const col = await client.call(
        'POST',
        '/v1/collections',
        { collection_name: uniqueName('col'), source: { type: 'bucket', bucket_ids: [bucketId] }, feature_extractor: { feature_extractor_name: 'text_extractor', version: 'v1', input_mappings: { text: 'content' } } },
        h,
      );
      assert.equal(col.status, 200, JSON.stringify(col.body));
      const collectionId = col.body.collection_id as string;
      const batch = await client.call('POST', `/v1/buckets/${bucketId}/batches`, { object_ids: objectIds }, h);
      assert.equal(batch.status, 200, JSON.stringify(batch.body).slice(0, 500));
      const batchUrl = `/v1/buckets/${bucketId}/batches/${batch.body.batch_id}`;
      const balanceBefore = (await client.call('GET', '/v1/organizations')).body.credit_count as number;

      let worker = queue === 'redis' ? startWorkerProcess(env) : undefined;
      if (worker) children.push(worker);
      const submitted = await client.call('POST', `${batchUrl}/submit`, {}, h);
      assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
      const taskId = submitted.body.task_id as string;

      // Kill whoever runs the chunks once some, not all, documents are written.
      let written = 0;
      for (let i = 0; i < 6000; i++) {
        const b = (await client.call('GET', batchUrl, undefined, h)).body;
        written = b.tier_tasks?.[0]?.documents_written ?? 0;
        if (written > 0 || TERMINAL.includes(b.status)) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.ok(written > 0 && written < OBJECTS, `killed mid-batch (${written} of ${OBJECTS} written)`);
      const victim = queue === 'redis' ? worker! : server.child;
      victim.kill('SIGKILL');
      await once(victim, 'exit').catch(() => undefined);
      ctx.diagnostic(`killed the ${queue === 'redis' ? 'worker' : 'API process'} with ${written} of ${OBJECTS} documents written`);

      if (queue === 'database') {
        server = await startServer(env);
        servers.push(server);
      } else {
        worker = startWorkerProcess(env);
        children.push(worker);
      }
      let task: any;
      for (let i = 0; i < 1800; i++) {
        task = (await client.call('GET', `/v1/tasks/${taskId}`)).body;
        if (TERMINAL.includes(task.status)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(task.status, 'COMPLETED', JSON.stringify(task));
      const done = (await client.call('GET', batchUrl, undefined, h)).body;
      assert.equal(done.status, 'COMPLETED');
      assert.equal(done.tier_tasks[0].documents_written, OBJECTS);
      assert.deepEqual(done.tier_tasks[0].errors, []);

      // Every object has exactly one document: no loss, no duplicate.
      const seenDocs = new Set<string>();
      const seenRoots = new Set<string>();
      let listed = 0;
      for (let offset = 0; ; offset += 1000) {
        const page = await client.call('POST', `/v1/collections/${collectionId}/documents/list?limit=1000&offset=${offset}`, {}, h);
        assert.equal(page.status, 200, JSON.stringify(page.body).slice(0, 500));
        for (const d of page.body.results) {
          listed += 1;
          seenDocs.add(d.document_id);
          seenRoots.add(d._internal?.lineage?.root_object_id ?? d.root_object_id);
        }
        if (page.body.results.length < 1000) break;
      }
      assert.equal(listed, OBJECTS);
      assert.equal(seenDocs.size, OBJECTS);
      assert.equal(seenRoots.size, OBJECTS);
      assert.deepEqual([...seenRoots].sort(), [...objectIds].sort());

      // One credit per chunk of 20 short texts (under 1,000 tokens each), charged once whatever reran.
      const spent = balanceBefore - ((await client.call('GET', '/v1/organizations')).body.credit_count as number);
      assert.equal(spent, OBJECTS / CHUNK);
      assert.equal(done.tier_tasks[0].performance.credits_spent, OBJECTS / CHUNK);
    });
  });
}


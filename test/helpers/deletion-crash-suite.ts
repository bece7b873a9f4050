// kill -9 mid-deletion: the process running a namespace's deletion cascade dies; a restarted one
// finishes it, and nothing outside the namespace is touched. Embedded: the API process runs the job
// (its lease expires, the next process re-runs it). Scale-out: API processes only relay to BullMQ
// and a `tessera worker` runs it (the stalled job goes back to wait).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { apiClient, startServer, startWorkerProcess, storeEnv, type ApiClient, type ServerProcess } from './server-process.ts';
import { dropRedisPrefix, TEST_REDIS_URL } from './shared-redis.ts';
import { BACKEND, freshStore, uniqueName } from './test-app.ts';

const BUCKETS = 6;
const OBJECTS_PER_BUCKET = 200;

async function namespaceWithContent(client: ApiClient, name: string): Promise<{ namespaceId: string; bucketIds: string[] }> {
  const ns = await client.call('POST', '/v1/namespaces', { namespace_name: name, feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] });
  assert.equal(ns.status, 200, JSON.stringify(ns.body));
  const namespaceId = ns.body.namespace_id as string;
  const bucketIds: string[] = [];
  for (let b = 0; b < BUCKETS; b++) {
    const bucket = await client.call('POST', '/v1/buckets', { bucket_name: `b${b}`, bucket_schema: { properties: { content: { type: 'text' } } } }, { 'x-namespace': namespaceId });
    assert.equal(bucket.status, 200, JSON.stringify(bucket.body));
    bucketIds.push(bucket.body.bucket_id);
    for (let i = 0; i < OBJECTS_PER_BUCKET; i += 100) {
      const objects = Array.from({ length: 100 }, (_, j) => ({ blobs: [{ property: 'content', type: 'text', data: `object ${b}/${i + j} ${randomBytes(8).toString('hex')}` }] }));
      const res = await client.call('POST', `/v1/buckets/${bucket.body.bucket_id}/objects/batch`, { objects }, { 'x-namespace': namespaceId });
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
    }
  }
  return { namespaceId, bucketIds };
}

/** One queue's scenario; each runs from its own test file, so each file stays well inside the runner's per-file time limit on a loaded 2-core machine. */
export function crashSuite(queue: 'database' | 'redis'): void {
  const skip = queue === 'redis' && !TEST_REDIS_URL ? 'TESSERA_TEST_REDIS_URL is not set' : false;
  describe(`kill -9 mid-deletion: ${queue} queue [${BACKEND}]`, { skip }, () => {
    const children: ChildProcess[] = [];
    const servers: ServerProcess[] = [];
    const prefix = `${uniqueName('delq')}:`;
    let drop: (() => Promise<void>) | undefined;
    after(async () => {
      for (const s of servers) await s.stop('SIGKILL');
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      if (queue === 'redis') await dropRedisPrefix(prefix);
      await drop?.();
    });

    test('the restarted process finishes the cascade; the other namespace keeps everything', { timeout: 170_000 }, async (ctx) => {
      const store = await freshStore();
      drop = store.drop;
      const key = `sk_test_${randomBytes(24).toString('base64url')}`;
      const env: NodeJS.ProcessEnv = {
        ...storeEnv(store.settings),
        TESSERA_BOOTSTRAP_API_KEY: key,
        TESSERA_RATE_LIMITING: 'false',
        TESSERA_JOB_LEASE_MS: '1500',
        TESSERA_JOB_POLL_INTERVAL_MS: '100',
        ...(queue === 'redis' ? { TESSERA_JOB_QUEUE: 'redis', TESSERA_REDIS_URL: TEST_REDIS_URL, TESSERA_REDIS_PREFIX: prefix } : {}),
      };
      let server = await startServer(env);
      servers.push(server);
      const client = apiClient(() => server, key);
      // A purchase moves the organization to the team tier: room for two namespaces.
      const upgrade = await client.call('POST', '/v1/organizations/credits', { credits: 1_000_000 });
      assert.equal(upgrade.status, 200, JSON.stringify(upgrade.body));

      const doomed = await namespaceWithContent(client, uniqueName('doomed'));
      const kept = await namespaceWithContent(client, uniqueName('kept'));
      let worker = queue === 'redis' ? startWorkerProcess(env) : undefined;
      if (worker) children.push(worker);

      const deletion = await client.call('DELETE', `/v1/namespaces/${doomed.namespaceId}`);
      assert.equal(deletion.status, 200, JSON.stringify(deletion.body));
      const taskId = deletion.body.task_id as string;

      // Kill whoever runs the job as soon as it is under way.
      let seen = 'PENDING';
      for (let i = 0; i < 2000 && seen === 'PENDING'; i++) {
        seen = (await client.call('GET', `/v1/tasks/${taskId}`)).body.status;
        if (seen === 'PENDING') await new Promise((r) => setTimeout(r, 10));
      }
      const victim = queue === 'redis' ? worker! : server.child;
      victim.kill('SIGKILL');
      await once(victim, 'exit').catch(() => undefined);
      ctx.diagnostic(`killed the ${queue === 'redis' ? 'worker' : 'API process'} with the task ${seen}`);

      if (queue === 'database') {
        server = await startServer(env);
        servers.push(server);
      } else {
        worker = startWorkerProcess(env);
        children.push(worker);
      }
      let task: any;
      for (let i = 0; i < 1200; i++) {
        task = (await client.call('GET', `/v1/tasks/${taskId}`)).body;
        if (!['PENDING', 'IN_PROGRESS', 'PROCESSING'].includes(task.status)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(task.status, 'COMPLETED', JSON.stringify(task));
      assert.equal((await client.call('GET', `/v1/namespaces/${doomed.namespaceId}`)).status, 404);
      for (const b of doomed.bucketIds) assert.equal((await client.call('GET', `/v1/buckets/${b}`)).status, 404);
      const blobs = path.join(store.settings.dataDir!, 'blobs', 'objects');
      const left = fs.existsSync(blobs) ? fs.readdirSync(blobs, { recursive: true }).filter((p) => String(p).includes(doomed.namespaceId)) : [];
      assert.deepEqual(left, [], 'no blob of the deleted namespace is left');

      const keptNs = (await client.call('GET', `/v1/namespaces/${kept.namespaceId}`)).body;
      assert.equal(keptNs.bucket_count, BUCKETS);
      assert.equal(keptNs.object_count, BUCKETS * OBJECTS_PER_BUCKET);
      const listed = await client.call('POST', `/v1/buckets/${kept.bucketIds[0]}/objects/list?limit=1`, {}, { 'x-namespace': kept.namespaceId });
      const objectId = listed.body.results[0].object_id;
      const object = await client.call('GET', `/v1/buckets/${kept.bucketIds[0]}/objects/${objectId}?return_presigned_urls=true`, undefined, { 'x-namespace': kept.namespaceId });
      // Started on port 0 without TESSERA_PUBLIC_URL, the server signs links for port 0: send it to the real one.
      const link = new URL(object.body.blobs[0].properties.presigned_url);
      const bytes = await fetch(server.url + link.pathname);
      assert.equal(bytes.status, 200);
      assert.match(await bytes.text(), /^object 0\//);
    });
  });
}


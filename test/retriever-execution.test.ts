// Executing retrievers through the HTTP API (SPEC §15.2–15.3, §24 item 13), on documents the real
// pipeline made: namespace → bucket → objects → text_extractor collection → batch → task COMPLETED
// → retriever → execute. The answer's shape, paging, vectors, credits (the organization's balance
// drops by credits_used), input validation (422), failures, SSE streaming, the executions history,
// ad-hoc executions, and tenancy of executions.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { provisionOrganization } from '../src/engine/accounts/provision-organization.ts';
import { sha256Hex } from '../src/lib/secrets.ts';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { assertTenancySweep } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

type Json = Record<string, any>;
const TEXT = { feature_extractor_name: 'text_extractor', version: 'v1' };
const SCHEMA = { properties: { content: { type: 'text' }, title: { type: 'string' } } };
const TERMINAL = ['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED'];
const TEXTS = [
  { title: 'fox', content: 'The quick brown fox jumps over the lazy dog' },
  { title: 'revenue', content: 'Quarterly revenue grew by ten percent in the northern region' },
  { title: 'bread', content: 'A recipe for sourdough bread with a long cold fermentation' },
  { title: 'solar', content: 'Solar panels convert sunlight into electricity' },
  { title: 'libraries', content: 'The committee approved the new budget for public libraries' },
];

/** The frames of a text/event-stream body: parsed JSON events, and whether it ended with [DONE]. */
function frames(body: string): { events: Json[]; done: boolean } {
  const chunks = body.split('\n\n').filter((c) => c !== '');
  const events: Json[] = [];
  let done = false;
  for (const [i, chunk] of chunks.entries()) {
    assert.ok(chunk.startsWith('data: '), `frame ${i} is a data frame: ${chunk.slice(0, 80)}`);
    const data = chunk.slice('data: '.length);
    if (data === '[DONE]') {
      assert.equal(i, chunks.length - 1, '[DONE] is the last frame');
      done = true;
    } else events.push(JSON.parse(data));
  }
  return { events, done };
}

describe(`retriever execution [${BACKEND}]`, () => {
  let t: TestApp;
  let ns: Json;
  let collection: Json;
  let featureUri: string;
  let vectorName: string;
  let dimensions: number;
  let retriever: Json;
  let organizationInternalId: string;
  const h = (n: Json = ns) => ({ 'x-namespace': n.namespace_id });

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = h(), key?: string) {
    return t.call({ method, url, headers, ...(payload !== undefined ? { payload: payload as Json } : {}), ...(key ? { key } : {}) });
  }
  async function ok(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers?: Record<string, string>, key?: string): Promise<Json> {
    const res = await call(method, url, payload, headers, key);
    assert.equal(res.statusCode, 200, `${method} ${url}: ${res.statusCode} ${res.body.slice(0, 800)}`);
    return res.json();
  }
  /** The organization's balance exactly (credit_count is whole credits), after the process gives back the credits it reserved for searches. */
  async function balanceMillis(): Promise<number> {
    await t.app.services.creditReservations.release();
    return (await t.app.metadataStore.organizations.findByInternalId(organizationInternalId))!.creditBalanceMillis;
  }
  const searchStages = (extra: Json = {}) => [{ stage_name: 'search', stage_type: 'filter', config: { stage_id: 'feature_search', parameters: { searches: [{ feature_uri: featureUri, query: '{{INPUT.query}}', top_k: 50 }], final_top_k: 10, ...extra } } }];
  const execute = (payload: Json, ident = retriever.retriever_id, query = '') => call('POST', `/v1/retrievers/${ident}/execute${query}`, payload);

  before(async () => {
    t = await createTestApp({ jobPollIntervalMs: 50 });
    // The free tier allows 10 requests a minute per category only with rate limiting on; the team
    // tier is what a real deployment's quickstart would use.
    await upgradeToTeam(t);
    organizationInternalId = (await t.app.metadataStore.apiKeys.findByHash(sha256Hex(t.adminKey)))!.organizationInternalId;
    ns = await ok('POST', '/v1/namespaces', { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] }, {});
    const bucket = await ok('POST', '/v1/buckets', { bucket_name: uniqueName('b'), bucket_schema: SCHEMA });
    const created = await ok('POST', `/v1/buckets/${bucket.bucket_id}/objects/batch`, { objects: TEXTS.map((d) => ({ title: d.title, blobs: [{ property: 'content', type: 'text', data: d.content }] })) });
    const objectIds: string[] = (created.results ?? created.objects ?? created.succeeded).map((o: Json) => o.object_id);
    assert.equal(objectIds.length, TEXTS.length);
    collection = await ok('POST', '/v1/collections', {
      collection_name: uniqueName('col'),
      source: { type: 'bucket', bucket_ids: [bucket.bucket_id] },
      feature_extractor: { ...TEXT, input_mappings: { text: 'content' }, field_passthrough: [{ source_path: 'title' }] },
    });
    featureUri = collection.vector_indexes[0].feature_uri;
    vectorName = collection.vector_indexes[0].name;
    dimensions = collection.vector_indexes[0].index.dimensions;
    const batch = await ok('POST', `/v1/buckets/${bucket.bucket_id}/batches`, { object_ids: objectIds });
    const submitted = await ok('POST', `/v1/buckets/${bucket.bucket_id}/batches/${batch.batch_id}/submit`, {});
    let task: Json = {};
    for (let i = 0; i < 600 && !TERMINAL.includes(task.status); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      task = await ok('GET', `/v1/tasks/${submitted.task_id}`, undefined, {});
    }
    assert.equal(task.status, 'COMPLETED', JSON.stringify(task));
    retriever = (await ok('POST', '/v1/retrievers', {
      retriever_name: uniqueName('quickstart'),
      collection_identifiers: [collection.collection_name],
      input_schema: { query: { type: 'text', required: true } },
      stages: searchStages(),
    })).retriever;
  });
  after(() => t.close());

  test('execute: the expected document first, with stage_statistics, budget and the documented shape; credits charged', async () => {
    const before = await balanceMillis();
    const res = await execute({ inputs: { query: 'sourdough bread fermentation recipe' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-execution-mode'], undefined);
    const body = res.json();
    assert.match(body.execution_id, /^exec_/);
    assert.equal(body.status, 'completed');
    assert.equal(body.documents.length, TEXTS.length);
    assert.deepEqual(body.results, body.documents, 'results repeats documents');
    const first = body.documents[0];
    assert.equal(first.title, 'bread');
    assert.equal(first.text, TEXTS[2]!.content);
    assert.equal(first.collection_id, collection.collection_id);
    assert.match(first.document_id, /^doc_/);
    assert.equal(typeof first.score, 'number');
    assert.ok(body.documents.every((d: Json, i: number) => i === 0 || d.score <= body.documents[i - 1].score), 'ordered by score');
    assert.equal(first[vectorName], undefined, 'no vectors unless asked');
    const stats = body.stage_statistics;
    assert.deepEqual(Object.keys(stats.stages), ['search']);
    assert.equal(stats.stages.search.output_count, TEXTS.length);
    assert.equal(typeof stats.stages.search.duration_ms, 'number');
    assert.equal(stats.stages.search.cache_hit, false);
    assert.equal(typeof stats.total_time_ms, 'number');
    assert.equal(stats.credits_used, 0.1, 'one kNN query');
    assert.equal(body.budget.credits_used, 0.1);
    assert.equal(typeof body.budget.time_used_ms, 'number');
    assert.equal(body.optimization_applied, false);
    assert.equal(body.stages_completed, 1);
    assert.equal(body.total_stages, 1);
    assert.equal(body.current_stage, 'search');
    assert.equal(body.retriever_id, retriever.retriever_id);
    assert.ok(body.created_at <= body.completed_at);
    assert.equal(body.pagination.has_next, false);
    // The organization paid exactly credits_used; credits_remaining is the balance after it.
    const after = await balanceMillis();
    assert.equal(before - after, 100, `balance ${before} → ${after}`);
    assert.equal(body.budget.credits_remaining, after / 1000);
    // By name too, with the docs' top-level limit.
    const limited = (await ok('POST', `/v1/retrievers/${encodeURIComponent(retriever.retriever_name)}/execute`, { inputs: { query: 'solar electricity' }, limit: 1 })).documents;
    assert.equal(limited.length, 1);
    assert.equal(limited[0].title, 'solar');
    assert.equal(await balanceMillis(), after - 100);
  });

  test('paging (offset, cursor, top-level offset) and return_vectors', async () => {
    const inputs = { query: 'libraries budget committee' };
    const page1 = await ok('POST', `/v1/retrievers/${retriever.retriever_id}/execute`, { inputs, pagination: { method: 'offset', page_size: 2, page_number: 1 } });
    assert.equal(page1.documents.length, 2);
    assert.equal(page1.documents[0].title, 'libraries');
    assert.deepEqual({ total: page1.pagination.total, has_next: page1.pagination.has_next, has_previous: page1.pagination.has_previous }, { total: 5, has_next: true, has_previous: false });
    const page3 = await ok('POST', `/v1/retrievers/${retriever.retriever_id}/execute`, { inputs, pagination: { method: 'offset', page_size: 2, page_number: 3 } });
    assert.equal(page3.documents.length, 1);
    const cursorPage = await ok('POST', `/v1/retrievers/${retriever.retriever_id}/execute`, { inputs, pagination: { limit: 3 } });
    assert.equal(cursorPage.documents.length, 3);
    assert.equal(cursorPage.pagination.has_next, true);
    const rest = await ok('POST', `/v1/retrievers/${retriever.retriever_id}/execute`, { inputs, pagination: { method: 'cursor', limit: 3, cursor: cursorPage.pagination.cursor } });
    assert.equal(rest.documents.length, 2);
    assert.equal(rest.pagination.has_next, false);
    assert.equal(new Set([...cursorPage.documents, ...rest.documents].map((d: Json) => d.document_id)).size, 5, 'the two pages hold every document once');
    const topLevel = await ok('POST', `/v1/retrievers/${retriever.retriever_id}/execute`, { inputs, limit: 2, offset: 2 });
    const page2 = await ok('POST', `/v1/retrievers/${retriever.retriever_id}/execute`, { inputs, pagination: { method: 'offset', page_size: 2, page_number: 2 } });
    assert.deepEqual(topLevel.documents.map((d: Json) => d.document_id), page2.documents.map((d: Json) => d.document_id));
    assertError(await execute({ inputs, limit: 2, offset: 3 }), 400, 'BadRequestError');
    assertError(await execute({ inputs, pagination: { method: 'offset', page_size: 0 } }), 422, 'ValidationError');
    const vectors = await ok('POST', `/v1/retrievers/${retriever.retriever_id}/execute?return_vectors=true`, { inputs, limit: 1 });
    assert.equal(vectors.documents[0][vectorName].length, dimensions);
  });

  test('missing or bad required input: 422 naming it; nothing charged, nothing recorded; the retriever 404s when unknown', async () => {
    const history = async () => (await ok('POST', `/v1/retrievers/${retriever.retriever_id}/executions/list?include_total=true`, {})).pagination.total as number;
    const before = { balance: await balanceMillis(), executions: await history() };
    const missing = assertError(await execute({ inputs: {} }), 422, 'ValidationError');
    assert.deepEqual(missing.detail.map((d: Json) => d.loc), [['body', 'inputs', 'query']]);
    const wrong = assertError(await execute({ inputs: { query: 42 } }), 422, 'ValidationError');
    assert.deepEqual(wrong.detail.map((d: Json) => d.loc), [['body', 'inputs', 'query']]);
    assertError(await execute({}), 422, 'ValidationError');
    assertError(await execute({ inputs: 'text' }), 422, 'ValidationError');
    assertError(await execute({ inputs: { query: 'x' }, stream: true, bogus: 1 }, 'ret_missing'), 404, 'NotFoundError');
    assert.deepEqual({ balance: await balanceMillis(), executions: await history() }, before);
  });

  test('a stage that fails: the error is answered (400), the execution recorded as failed', async () => {
    const failing = (await ok('POST', '/v1/retrievers', {
      retriever_name: uniqueName('failing'),
      collection_identifiers: [collection.collection_id],
      input_schema: { query: { type: 'text', required: true }, pattern: { type: 'string', required: true } },
      stages: [...searchStages(), { stage_name: 'regex', config: { stage_id: 'attribute_filter', parameters: { field: 'title', operator: 'regex', value: '{{INPUT.pattern}}' } } }],
    })).retriever;
    const before = await balanceMillis();
    const res = await execute({ inputs: { query: 'fox', pattern: '([unclosed' } }, failing.retriever_id);
    const body = assertError(res, 400, 'BadRequestError');
    assert.match(JSON.stringify(body.error), /regex|regular expression|pattern/i);
    const listed = await ok('POST', `/v1/retrievers/${failing.retriever_id}/executions/list`, {});
    assert.equal(listed.results.length, 1);
    assert.equal(listed.results[0].status, 'failed');
    const detail = await ok('GET', `/v1/retrievers/${failing.retriever_id}/executions/${listed.results[0].execution_id}`);
    assert.equal(detail.status, 'failed');
    assert.ok(detail.error);
    assert.equal(detail.stage_statistics.stages.search.output_count, TEXTS.length);
    // The search ran before the failing stage: it is paid for.
    assert.equal(before - (await balanceMillis()), Math.round(detail.stage_statistics.credits_used * 1000));
  });

  test('budget: max_credits below one search stops before it; nothing charged', async () => {
    const capped = (await ok('POST', '/v1/retrievers', { retriever_name: uniqueName('capped'), collection_identifiers: [collection.collection_id], stages: searchStages(), budget_limits: { max_credits: 0.05 } })).retriever;
    const before = await balanceMillis();
    const body = await ok('POST', `/v1/retrievers/${capped.retriever_id}/execute`, { inputs: { query: 'fox' } });
    assert.equal(body.budget.credits_used, 0);
    assert.equal(body.documents.length, 0);
    assert.ok(body.error, 'says where it stopped');
    assert.equal(await balanceMillis(), before);
  });

  test('SSE: stream: true answers text/event-stream frames ending with [DONE]; an error before the stream is the JSON envelope', async () => {
    const before = await balanceMillis();
    const res = await execute({ inputs: { query: 'quick brown fox' }, stream: true });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/event-stream/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.headers.connection, 'keep-alive');
    assert.ok(res.headers['x-request-id'], 'headers set before the stream are kept');
    const { events, done } = frames(res.body);
    assert.ok(done, 'ends with [DONE]');
    assert.deepEqual(events.map((e) => e.event_type), ['stage_start', 'stage_complete', 'execution_complete']);
    const executionId = events[0]!.execution_id;
    assert.match(executionId, /^exec_/);
    assert.ok(events.every((e) => e.execution_id === executionId));
    assert.deepEqual([events[0]!.stage_name, events[0]!.stage_index, events[0]!.total_stages], ['search', 0, 1]);
    assert.equal(events[1]!.documents[0].title, 'fox');
    assert.equal(events[1]!.statistics.output_count, TEXTS.length);
    const complete = events[2]!;
    assert.equal(complete.status, 'completed');
    assert.equal(complete.documents[0].title, 'fox');
    assert.equal(complete.budget.credits_used, 0.1);
    assert.equal(complete.budget.credits_remaining, (await balanceMillis()) / 1000);
    assert.equal(before - (await balanceMillis()), 100);
    const stored = await ok('GET', `/v1/retrievers/${retriever.retriever_id}/executions/${executionId}`);
    assert.equal(stored.status, 'completed');

    const refused = assertError(await execute({ inputs: {}, stream: true }), 422, 'ValidationError');
    assert.deepEqual(refused.detail.map((d: Json) => d.loc), [['body', 'inputs', 'query']]);
  });

  test('SSE over a real connection: the stream is read as it comes; a client that goes away leaves the server serving', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const request = (signal?: AbortSignal) =>
      fetch(`${address}/v1/retrievers/${retriever.retriever_id}/execute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json', 'x-namespace': ns.namespace_id },
        body: JSON.stringify({ inputs: { query: 'solar panels' }, stream: true }),
        ...(signal ? { signal } : {}),
      });
    const res = await request();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('content-length'), null);
    const { events, done } = frames(await res.text());
    assert.ok(done);
    assert.equal(events.at(-1)!.documents[0].title, 'solar');
    // Gone right after the headers: whatever the execution did, the server answers the next one.
    const controller = new AbortController();
    const gone = await request(controller.signal);
    controller.abort();
    await gone.body?.cancel().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const next = await request();
    assert.ok(frames(await next.text()).done);
  });

  test('SSE: a failure after the stream started is an execution_error event, then [DONE]', async () => {
    const failing = (await ok('POST', '/v1/retrievers', {
      retriever_name: uniqueName('failing_stream'),
      collection_identifiers: [collection.collection_id],
      stages: [...searchStages(), { stage_name: 'regex', config: { stage_id: 'attribute_filter', parameters: { field: 'title', operator: 'regex', value: '{{INPUT.pattern}}' } } }],
    })).retriever;
    const res = await execute({ inputs: { query: 'fox', pattern: '(' }, stream: true }, failing.retriever_id);
    assert.equal(res.statusCode, 200, res.body);
    const { events, done } = frames(res.body);
    assert.ok(done);
    const last = events.at(-1)!;
    assert.equal(last.event_type, 'execution_error');
    assert.equal(last.error.type, 'BadRequestError');
    assert.ok(events.some((e) => e.event_type === 'stage_complete' && e.stage_name === 'search'));
  });

  test('executions history: newest first, paged, filtered by status; detail with inputs and their SHA-1; deleting the retriever removes it', async () => {
    const r = (await ok('POST', '/v1/retrievers', { retriever_name: uniqueName('history'), collection_identifiers: [collection.collection_id], input_schema: { query: { type: 'text' } }, stages: searchStages() })).retriever;
    const ids: string[] = [];
    for (const query of ['fox', 'bread', 'solar']) ids.push((await ok('POST', `/v1/retrievers/${r.retriever_id}/execute`, { inputs: { query } })).execution_id);
    const all = await ok('POST', `/v1/retrievers/${r.retriever_name}/executions/list`, {});
    assert.deepEqual(all.results.map((e: Json) => e.execution_id), [...ids].reverse());
    assert.deepEqual(all.pagination, { total: 3, limit: 20, offset: 0, has_next: false });
    const e = all.results[0];
    assert.equal(e.status, 'completed');
    assert.equal(e.credits_used, 0.1);
    assert.equal(e.total_returned, TEXTS.length);
    assert.equal(e.query_summary, 'solar');
    assert.equal(e.inputs_hash, createHash('sha1').update(JSON.stringify({ query: 'solar' })).digest('hex'));
    const page = await ok('POST', `/v1/retrievers/${r.retriever_id}/executions/list?limit=1&offset=1`);
    assert.deepEqual(page.results.map((x: Json) => x.execution_id), [ids[1]]);
    assert.deepEqual(page.pagination, { total: 3, limit: 1, offset: 1, has_next: true });
    assert.equal((await ok('POST', `/v1/retrievers/${r.retriever_id}/executions/list`, { status: 'failed' })).pagination.total, 0);
    assertError(await call('POST', `/v1/retrievers/${r.retriever_id}/executions/list`, { filters: { status: 'completed' } }), 400, 'BadRequestError');
    const detail = await ok('GET', `/v1/retrievers/${r.retriever_id}/executions/${ids[0]}`);
    assert.equal(detail.execution_id, ids[0]);
    assert.deepEqual(detail.inputs, { query: 'fox' });
    assert.deepEqual(detail.documents, []);
    assert.deepEqual(Object.keys(detail.stage_statistics.stages), ['search']);
    assert.deepEqual(detail.execution_metadata, { execution_mode: 'saved', retriever_persisted: true });
    // Another retriever's execution is not this one's.
    assertError(await call('GET', `/v1/retrievers/${retriever.retriever_id}/executions/${ids[0]}`), 404, 'NotFoundError');
    assertError(await call('GET', `/v1/retrievers/executions/${ids[0]}`), 404, 'NotFoundError');
    // Large inputs are kept with their long strings shortened; the hash covers what was sent.
    const big = { query: 'fox', note: 'n'.repeat(70_000) };
    const bigId = (await ok('POST', `/v1/retrievers/${r.retriever_id}/execute`, { inputs: big })).execution_id;
    const kept = await ok('GET', `/v1/retrievers/${r.retriever_id}/executions/${bigId}`);
    assert.equal(kept.inputs.query, 'fox');
    assert.equal(kept.inputs.note, `${'n'.repeat(256)}… (70000 characters)`);
    assert.equal(kept.inputs_hash, createHash('sha1').update(JSON.stringify({ note: big.note, query: 'fox' })).digest('hex'));
    await ok('DELETE', `/v1/retrievers/${r.retriever_id}`);
    assertError(await call('GET', `/v1/retrievers/${r.retriever_id}/executions/${ids[0]}`), 404, 'NotFoundError');
    assert.equal(await t.app.metadataStore.retrieverExecutions.find({ organization: { internalId: organizationInternalId } as never, namespace: { namespaceId: ns.namespace_id, namespaceName: ns.namespace_name } }, r.retriever_id, ids[0]!), undefined);
  });

  test('history is bounded: trim keeps the newest', async () => {
    const store = t.app.metadataStore;
    const tenant = { organization: { internalId: organizationInternalId } as never, namespace: { namespaceId: ns.namespace_id, namespaceName: ns.namespace_name } };
    const base = { organizationInternalId, namespaceId: ns.namespace_id, retrieverId: 'ret_trimtest', status: 'completed' as const, inputs: {}, inputsHash: 'x', stageStatistics: {}, totalTimeMs: 1, creditsUsed: 0, totalProcessed: 0, totalReturned: 0, stagesCompleted: 1, totalStages: 1, collectionIds: [], querySummary: null, error: null };
    for (let i = 0; i < 5; i++) {
      const at = new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();
      await store.retrieverExecutions.insert({ ...base, executionId: `exec_trim${i}`, createdAt: at, completedAt: at });
    }
    assert.equal(await store.retrieverExecutions.trim(tenant, 'ret_trimtest', 3), 2);
    const { executions, total } = await store.retrieverExecutions.list(tenant, 'ret_trimtest', {}, 10, 0);
    assert.equal(total, 3);
    assert.deepEqual(executions.map((e) => e.executionId), ['exec_trim4', 'exec_trim3', 'exec_trim2']);
  });

  test('ad-hoc: POST /v1/retrievers/execute runs a pipeline without storing a retriever (X-Execution-Mode: adhoc); its history', async () => {
    const count = async () => (await ok('POST', '/v1/retrievers/list', {})).total as number;
    const retrievers = await count();
    const before = await balanceMillis();
    const payload = {
      collection_identifiers: [collection.collection_name],
      input_schema: { properties: { query: { type: 'text' } }, required: ['query'] },
      stages: [{ stage_type: 'filter', stage_id: 'semantic_search', parameters: { feature_uri: featureUri, query: '{{INPUT.query}}' } }, { stage_id: 'limit', parameters: { limit: 2 } }],
      inputs: { query: 'northern region revenue' },
    };
    const res = await call('POST', '/v1/retrievers/execute', payload);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-execution-mode'], 'adhoc');
    const body = res.json();
    assert.equal(body.documents[0].title, 'revenue');
    assert.equal(body.documents.length, 2);
    assert.deepEqual(Object.keys(body.stage_statistics.stages), ['feature_search', 'limit']);
    assert.equal(body.retriever_id, null);
    assert.deepEqual(body.execution_metadata, { execution_mode: 'adhoc', retriever_persisted: false });
    assert.equal(await count(), retrievers, 'no retriever stored');
    assert.equal(before - (await balanceMillis()), 100);

    const streamed = await call('POST', '/v1/retrievers/execute', { ...payload, stream: true });
    assert.match(String(streamed.headers['content-type']), /^text\/event-stream/);
    assert.equal(streamed.headers['x-execution-mode'], 'adhoc');
    assert.ok(frames(streamed.body).done);

    const listed = await ok('POST', '/v1/retrievers/executions/list', {});
    assert.equal(listed.total, 2);
    assert.equal(listed.results[1].execution_id, body.execution_id);
    assert.equal(listed.results[1].execution_mode, 'adhoc');
    assert.deepEqual(listed.results[1].collection_ids, [collection.collection_id]);
    assert.deepEqual(listed.pagination, { total: 2, limit: 20, offset: 0, has_next: false });
    assert.equal((await ok('POST', '/v1/retrievers/executions/list', { start_time: '2100-01-01T00:00:00Z' })).total, 0);
    assert.equal((await ok('POST', '/v1/retrievers/executions/list', { status: 'completed', end_time: '2100-01-01T00:00:00Z' })).total, 2);
    const detail = await ok('GET', `/v1/retrievers/executions/${body.execution_id}`);
    assert.equal(detail.inputs, JSON.stringify({ query: 'northern region revenue' }));
    assert.equal(detail.inputs_hash, createHash('sha1').update(JSON.stringify({ query: 'northern region revenue' })).digest('hex'));
    assert.equal(detail.stages_completed, 2);
    // Checked as a create: unknown stage, missing input, unknown collection.
    assertError(await call('POST', '/v1/retrievers/execute', { ...payload, stages: [{ stage_id: 'nope' }] }), 400, 'BadRequestError');
    assertError(await call('POST', '/v1/retrievers/execute', { ...payload, inputs: {} }), 422, 'ValidationError');
    assertError(await call('POST', '/v1/retrievers/execute', { ...payload, collection_identifiers: ['nope'] }), 404, 'NotFoundError');
    assertError(await call('POST', '/v1/retrievers/execute', { stages: payload.stages, inputs: payload.inputs }), 422, 'ValidationError');
    assert.equal((await ok('POST', '/v1/retrievers/executions/list', {})).total, 2);
  });

  test('tenancy of executions: another organization or namespace sees none of them', async () => {
    const executionId = (await ok('POST', `/v1/retrievers/${retriever.retriever_id}/execute`, { inputs: { query: 'fox' } })).execution_id;
    const adhocId = (await ok('POST', '/v1/retrievers/execute', { collection_identifiers: [collection.collection_id], input_schema: {}, stages: searchStages(), inputs: { query: 'fox' } })).execution_id;
    const other = await otherOrganization(t);
    const otherNs = await ok('POST', '/v1/namespaces', { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] }, {}, other.apiKey);
    const sibling = await ok('POST', '/v1/namespaces', { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] }, {});
    await assertTenancySweep(t, {
      requests: [
        { method: 'GET', url: `/v1/retrievers/${retriever.retriever_id}/executions/${executionId}` },
        { method: 'GET', url: `/v1/retrievers/executions/${adhocId}` },
        { method: 'POST', url: `/v1/retrievers/${retriever.retriever_id}/execute`, payload: { inputs: { query: 'fox' }, stream: true } },
      ],
      outsiders: [
        { label: 'other org, its namespace', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id } },
        { label: 'sibling namespace', headers: { 'x-namespace': sibling.namespace_id } },
      ],
      snapshot: async () => [await ok('GET', `/v1/retrievers/${retriever.retriever_id}/executions/${executionId}`), await ok('GET', `/v1/retrievers/executions/${adhocId}`)],
    });
    for (const [label, headers, key] of [['other org', { 'x-namespace': otherNs.namespace_id }, other.apiKey], ['sibling', { 'x-namespace': sibling.namespace_id }, undefined]] as const) {
      const listed = await ok('POST', '/v1/retrievers/executions/list', {}, headers, key);
      assert.equal(listed.total, 0, label);
    }
  });

  test('deleting the namespace deletes its retrievers, their executions and its ad-hoc executions', async () => {
    const n = await ok('POST', '/v1/namespaces', { namespace_name: uniqueName('doomed'), feature_extractors: [TEXT] }, {});
    const headers = { 'x-namespace': n.namespace_id };
    const r = (await ok('POST', '/v1/retrievers', { retriever_name: uniqueName('r'), stages: [{ stage_id: 'attribute_filter', parameters: { field: 'title', value: 'x' } }] }, headers)).retriever;
    const saved = (await ok('POST', `/v1/retrievers/${r.retriever_id}/execute`, {}, headers)).execution_id;
    const adhoc = (await ok('POST', '/v1/retrievers/execute', { input_schema: {}, stages: [{ stage_id: 'attribute_filter', parameters: { field: 'title', value: 'x' } }], inputs: {} }, headers)).execution_id;
    const task = await ok('DELETE', `/v1/namespaces/${n.namespace_id}`, undefined, {});
    let status = '';
    for (let i = 0; i < 600 && !TERMINAL.includes(status); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      status = (await ok('GET', `/v1/tasks/${task.task_id}`, undefined, {})).status;
    }
    assert.equal(status, 'COMPLETED');
    const store = t.app.metadataStore;
    const tenant = { organization: { internalId: organizationInternalId } as never, namespace: { namespaceId: n.namespace_id, namespaceName: n.namespace_name } };
    assert.equal(await store.retrievers.find(tenant, r.retriever_id), undefined);
    assert.equal(await store.retrieverExecutions.find(tenant, r.retriever_id, saved), undefined);
    assert.equal(await store.retrieverExecutions.find(tenant, null, adhoc), undefined);
  });

  test('credits exhausted: 402 InsufficientCreditsError, nothing runs or is recorded', async () => {
    const poor = await provisionOrganization(t.app.metadataStore, { organizationName: 'Poor', accountType: 'free', credits: 0, adminEmail: `${uniqueName('poor')}@example.com`, adminName: 'Poor Admin' });
    const n = await ok('POST', '/v1/namespaces', { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] }, {}, poor.apiKey);
    const headers = { 'x-namespace': n.namespace_id };
    const res = await call('POST', '/v1/retrievers/execute', { input_schema: {}, stages: [{ stage_id: 'attribute_filter', parameters: { field: 'title', value: 'x' } }], inputs: {} }, headers, poor.apiKey);
    const body = assertError(res, 402, 'InsufficientCreditsError');
    assert.equal(body.error.details.balance, 0);
    assert.equal((await ok('POST', '/v1/retrievers/executions/list', {}, headers, poor.apiKey)).total, 0);
  });
});

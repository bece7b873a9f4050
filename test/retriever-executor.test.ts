// The retriever executor end to end on real storage and the embedded index (both backends):
// documents written through store.documents.upsertMany, searched by the stages the catalogue
// registers, with the statistics, events, budget and paging the execute route returns.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StoredDocument } from '../src/engine/documents/types.ts';
import { withNamespace, type RequestScope } from '../src/engine/scope/request-scope.ts';
import { RetrieverExecutor } from '../src/engine/retrievers/retriever-executor.ts';
import type { ExecutablePipeline, ExecutionEvent, ExecutionRequest } from '../src/engine/retrievers/execution.ts';
import type { StageConfig } from '../src/engine/retrievers/types.ts';
import { StageRegistry } from '../src/engine/retrievers/stages/stage-registry.ts';
import type { StageDefinition } from '../src/engine/retrievers/stages/stage-definition.ts';
import { TesseraError } from '../src/engine/errors.ts';
import { sha256Hex } from '../src/lib/secrets.ts';
import { scopeFor } from './helpers/scopes.ts';
import { documentPlace, type DocumentPlace } from './helpers/documents.ts';
import { indexDocument } from './helpers/search-indexes.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

const TEXTS: Record<string, { text: string; category: string; price: number | null; title: string }> = {
  doc_r01: { text: 'red apples and green pears at the market', category: 'fruit', price: 3, title: 'Market fruit' },
  doc_r02: { text: 'fresh red apples picked this morning', category: 'fruit', price: 5, title: 'Apples' },
  doc_r03: { text: 'a guide to repairing bicycles and chains', category: 'tools', price: 20, title: 'Bike repair' },
  doc_r04: { text: 'bicycle chains, gears and brake cables', category: 'tools', price: 12, title: 'Bike parts' },
  doc_r05: { text: 'the history of the apple computer company', category: 'tech', price: null, title: 'Computers' },
  doc_r06: { text: 'baking apple pie with cinnamon', category: 'food', price: 8, title: 'Pie' },
  doc_r07: { text: 'weather report: rain and wind tomorrow', category: 'news', price: 1, title: 'Weather' },
  doc_r08: { text: 'green tea and black tea brewing guide', category: 'food', price: 7, title: 'Tea' },
};

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

function stage(stage_name: string, stage_id: string, parameters: Record<string, unknown>, stage_type: StageConfig['stage_type'] = 'filter'): StageConfig {
  return { stage_name, stage_type, config: { stage_id, parameters } };
}

describe(`retriever executor [${BACKEND}]`, () => {
  let t: TestApp;
  let scope: RequestScope;
  let place: DocumentPlace;
  let executor: RetrieverExecutor;
  let model: string;
  const vectors = new Map<string, Float32Array>();

  const pipeline = (stages: StageConfig[], over: Partial<ExecutablePipeline> = {}): ExecutablePipeline => ({
    retrieverId: null,
    collectionIds: [place.collectionId],
    stages,
    inputSchema: { query: { type: 'text', required: false } },
    budgetLimits: { max_credits: null, max_time_ms: null },
    ...over,
  });
  const request = (inputs: Record<string, unknown>, over: Partial<ExecutionRequest> = {}): ExecutionRequest => ({
    inputs,
    pagination: { method: 'cursor', limit: 100, cursor: null },
    returnVectors: false,
    ...over,
  });
  const semantic = (extra: Record<string, unknown> = {}) =>
    stage('search', 'feature_search', { searches: [{ feature_uri: 'mixpeek://text_extractor@v1/embedding', query: '{{INPUT.query}}', top_k: 100, ...extra }], final_top_k: 100 });

  before(async () => {
    t = await createTestApp();
    place = await documentPlace(t);
    const key = await t.app.metadataStore.apiKeys.findByHash(sha256Hex(t.adminKey));
    const base = await scopeFor(t.app.metadataStore, key!.organizationInternalId);
    scope = withNamespace(base, { namespaceId: place.namespaceId, namespaceName: place.namespaceName });
    const collection = await t.app.metadataStore.collections.find(scope, place.collectionId);
    const locked = (collection!.featureExtractor.params as { locked_models: Record<string, { model: string }> }).locked_models;
    model = Object.values(locked)[0]!.model;
    const services = t.app.services;
    const at = new Date().toISOString();
    const documents: StoredDocument[] = [];
    for (const [id, d] of Object.entries(TEXTS)) {
      const [v] = await services.inference.embedText(model, [d.text], { purpose: 'passage' });
      vectors.set(id, v!);
      documents.push(indexDocument(scope, place.collectionId, id, { content: d.text, title: d.title, category: d.category, ...(d.price === null ? {} : { price: d.price }) }, { [place.index.name]: v! }, at));
    }
    await t.app.metadataStore.documents.upsertMany(scope, documents);
    executor = new RetrieverExecutor({ store: t.app.metadataStore, searchIndex: services.searchIndex, inference: services.inference, clock: services.clock });
  });
  after(async () => t.close());

  test('feature_search orders by cosine similarity to the embedded query, and reports statistics', async () => {
    const query = 'red apples';
    const result = await executor.execute(scope, pipeline([semantic()]), request({ query }));
    assert.equal(result.failure, null);
    assert.equal(result.execution.status, 'completed');
    const [q] = await t.app.services.inference.embedText(model, [query], { purpose: 'query' });
    const expected = [...vectors.entries()].map(([id, v]) => ({ id, s: cosine(q!, v) })).sort((a, b) => b.s - a.s);
    assert.deepEqual(result.documents.map((d) => d.documentId), expected.map((e) => e.id));
    for (const [i, d] of result.documents.entries()) assert.ok(Math.abs(d.score - expected[i]!.s) < 1e-4);
    assert.equal(result.documents[0]!.fields.title, TEXTS[result.documents[0]!.documentId]!.title);
    const stats = result.execution.stageStatistics.search!;
    assert.equal(stats.input_count, 0);
    assert.equal(stats.output_count, 8);
    assert.equal(stats.efficiency, 0);
    assert.equal(stats.cache_hit, false);
    assert.ok(stats.duration_ms >= 0);
    assert.equal(result.execution.creditsUsed, 0.1);
    assert.equal(result.budget.credits_remaining, null);
    assert.equal(result.execution.querySummary, query);
    assert.match(result.execution.inputsHash, /^[0-9a-f]{40}$/);
    assert.match(result.execution.executionId, /^exec_/);
    assert.equal(result.execution.totalStages, 1);
    assert.equal(result.execution.stagesCompleted, 1);
  });

  test('a filter in a search gives k results when k documents match; an empty query gives none', async () => {
    const result = await executor.execute(scope, pipeline([semantic({ top_k: 2, filters: { category: '{{INPUT.cat}}' } })], { inputSchema: { query: { type: 'text', required: true }, cat: { type: 'string', required: false } } }), request({ query: 'apples', cat: 'tools' }));
    assert.deepEqual(result.documents.map((d) => d.fields.category), ['tools', 'tools']);
    // The optional input absent: the condition is dropped, every document qualifies.
    const unfiltered = await executor.execute(scope, pipeline([semantic({ top_k: 3, filters: { category: '{{INPUT.cat}}' } })]), request({ query: 'apples' }));
    assert.equal(unfiltered.documents.length, 3);
    const empty = await executor.execute(scope, pipeline([semantic()]), request({ query: '' }));
    assert.equal(empty.execution.status, 'completed');
    assert.equal(empty.documents.length, 0);
    assert.equal(empty.execution.creditsUsed, 0);
  });

  test('two searches fuse with RRF; a hybrid vector + BM25 search ranks the keyword match first', async () => {
    const fused = await executor.execute(
      scope,
      pipeline([
        stage('search', 'feature_search', {
          searches: [
            { feature_uri: 'mixpeek://text_extractor@v1/embedding', query: '{{INPUT.query}}', top_k: 4 },
            { type: 'text', query: 'bicycle chains', top_k: 4 },
          ],
          final_top_k: 5,
          fusion: 'rrf',
        }),
      ]),
      request({ query: 'red apples' }),
    );
    assert.equal(fused.failure, null);
    assert.ok(fused.documents.length <= 5 && fused.documents.length >= 4);
    // RRF scores: 1/(60 + rank) summed over the lists a document appears in.
    for (const d of fused.documents) assert.ok(d.score > 0 && d.score <= 2 / 61 + 1e-12);
    const ids = fused.documents.map((d) => d.documentId);
    assert.ok(ids.includes('doc_r04') && ids.includes('doc_r02'));
    assert.equal(fused.execution.creditsUsed, 0.3);
    assert.equal(fused.execution.stageStatistics.search!.metadata.fusion, 'rrf');
  });

  test('a document_reference input searches with that document\'s stored vector ("find similar")', async () => {
    const result = await executor.execute(
      scope,
      pipeline([stage('similar', 'feature_search', { searches: [{ feature_uri: 'mixpeek://text_extractor@v1/embedding', query: '{{INPUT.like}}', top_k: 3 }] })], { inputSchema: { like: { type: 'document_reference', required: true } } }),
      request({ like: { collection_id: place.collectionId, document_id: 'doc_r03' } }),
    );
    assert.equal(result.failure, null);
    assert.equal(result.documents[0]!.documentId, 'doc_r03');
    assert.ok(Math.abs(result.documents[0]!.score - 1) < 1e-4);
    const expected = [...vectors.entries()].filter(([id]) => id !== 'doc_r03').map(([id, v]) => ({ id, s: cosine(vectors.get('doc_r03')!, v) })).sort((a, b) => b.s - a.s);
    assert.equal(result.documents[1]!.documentId, expected[0]!.id);
    const missing = await executor.execute(
      scope,
      pipeline([stage('similar', 'feature_search', { searches: [{ feature_uri: 'mixpeek://text_extractor@v1/embedding', query: { input_mode: 'document', value: '{{INPUT.like}}' } }] })], { inputSchema: { like: { type: 'document_reference', required: true } } }),
      request({ like: { collection_id: place.collectionId, document_id: 'doc_nope' } }),
    );
    assert.equal(missing.failure?.status, 404);
  });

  test('text_search ranks by BM25', async () => {
    const result = await executor.execute(scope, pipeline([stage('bm25', 'text_search', { query: '{{INPUT.query}}', top_k: 3 })]), request({ query: 'bicycle chains' }));
    assert.equal(result.failure, null);
    assert.ok(['doc_r03', 'doc_r04'].includes(result.documents[0]!.documentId));
    assert.ok(result.documents.every((d, i, all) => i === 0 || all[i - 1]!.score >= d.score));
  });

  test('attribute_filter → sort_attribute → limit', async () => {
    const result = await executor.execute(
      scope,
      pipeline([
        stage('filter', 'attribute_filter', { field: 'category', operator: 'in', value: ['fruit', 'tools', 'food'] }),
        stage('sort', 'sort_attribute', { sort_field: 'price', order: 'asc' }, 'sort'),
        stage('top', 'limit', { limit: '{{INPUT.n}}' }, 'reduce'),
      ], { inputSchema: { n: { type: 'integer', required: false, default: 3 } } }),
      request({}),
    );
    assert.equal(result.failure, null);
    assert.deepEqual(result.documents.map((d) => d.fields.price), [3, 5, 7]);
    const stats = result.execution.stageStatistics;
    assert.equal(stats.filter!.output_count, 6);
    assert.equal(stats.sort!.input_count, 6);
    assert.equal(stats.top!.output_count, 3);
    assert.equal(stats.top!.efficiency, 0.5);
    // A later attribute_filter filters in memory (score included).
    const later = await executor.execute(scope, pipeline([semantic(), stage('cheap', 'attribute_filter', { field: 'price', operator: 'lte', value: 5 })]), request({ query: 'apples' }));
    assert.deepEqual(later.documents.map((d) => d.documentId).sort(), ['doc_r01', 'doc_r02', 'doc_r07']);
  });

  test('events arrive in order; a stage error fails the execution with a 400 and the record says failed', async () => {
    const events: ExecutionEvent[] = [];
    const ok = await executor.execute(scope, pipeline([semantic(), stage('top', 'limit', { limit: 2 }, 'reduce')]), request({ query: 'tea' }), { listener: (e) => void events.push(e) });
    assert.deepEqual(events.map((e) => e.event_type), ['stage_start', 'stage_complete', 'stage_start', 'stage_complete', 'execution_complete']);
    assert.ok(events.every((e) => e.execution_id === ok.execution.executionId));
    const complete = events[3] as Extract<ExecutionEvent, { event_type: 'stage_complete' }>;
    assert.equal(complete.documents.length, 2);
    assert.equal(complete.budget_used.credits_used, 0.1);

    events.length = 0;
    const bad = await executor.execute(scope, pipeline([stage('search', 'feature_search', { searches: [{ feature_uri: 'mixpeek://nope@v1/x', query: 'x' }] })]), request({}), { listener: (e) => void events.push(e) });
    assert.equal(bad.execution.status, 'failed');
    assert.ok(bad.failure instanceof TesseraError);
    assert.equal(bad.failure!.status, 400);
    assert.match(bad.execution.error!, /feature_uri/);
    assert.deepEqual(events.map((e) => e.event_type), ['stage_start', 'stage_error', 'execution_error']);

    const regex = await executor.execute(scope, pipeline([semantic(), stage('f', 'attribute_filter', { field: 'title', operator: 'regex', value: '{{INPUT.pattern}}' })], { inputSchema: { query: { type: 'text', required: false }, pattern: { type: 'string', required: true } } }), request({ query: 'x', pattern: '(a+)+' }));
    assert.equal(regex.failure?.status, 400);
  });

  test('budget: max_time_ms aborts with a clear error; max_credits stops before the search that would pass it', async () => {
    const slow: StageDefinition = {
      stageId: 'slow',
      category: 'apply',
      description: 'waits',
      icon: 'clock',
      parameterSchema: { type: 'object' },
      validate: (p) => p,
      run: (input, _p, context) => new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ documents: [...input] }), 5_000);
        context.signal.addEventListener('abort', () => clearTimeout(timer));
      }),
    };
    const timed = new RetrieverExecutor({ store: t.app.metadataStore, searchIndex: t.app.services.searchIndex, inference: t.app.services.inference, clock: t.app.services.clock, stages: new StageRegistry([...new StageRegistry().list(), slow]) });
    const started = Date.now();
    const result = await timed.execute(scope, pipeline([semantic(), stage('wait', 'slow', {}, 'apply')], { budgetLimits: { max_credits: null, max_time_ms: 300 } }), request({ query: 'tea' }));
    assert.ok(Date.now() - started < 3_000);
    assert.equal(result.execution.status, 'failed');
    assert.equal(result.failure?.type, 'TimeoutError');
    assert.match(result.failure!.message, /time budget of 300 ms/);
    assert.equal(result.execution.stagesCompleted, 1);

    const capped = await executor.execute(
      scope,
      pipeline([semantic(), stage('again', 'feature_search', { searches: [{ feature_uri: 'mixpeek://text_extractor@v1/embedding', query: 'tea' }] })], { budgetLimits: { max_credits: 0.15, max_time_ms: null } }),
      request({ query: 'apples' }),
    );
    assert.equal(capped.execution.status, 'completed');
    assert.equal(capped.execution.creditsUsed, 0.1);
    assert.equal(capped.execution.stagesCompleted, 1);
    assert.match(capped.execution.error!, /max_credits/);
    assert.equal(capped.documents.length, 8);
  });

  test('pagination: cursor pages through the final output; offset reports totals', async () => {
    const first = await executor.execute(scope, pipeline([semantic()]), request({ query: 'apples' }, { pagination: { method: 'cursor', limit: 3, cursor: null } }));
    assert.equal(first.documents.length, 3);
    assert.equal(first.pagination.has_next, true);
    const second = await executor.execute(scope, pipeline([semantic()]), request({ query: 'apples' }, { pagination: { method: 'cursor', limit: 3, cursor: first.pagination.cursor as string } }));
    assert.deepEqual(second.documents.map((d) => d.documentId), (await executor.execute(scope, pipeline([semantic()]), request({ query: 'apples' }))).documents.slice(3, 6).map((d) => d.documentId));
    const offset = await executor.execute(scope, pipeline([semantic()]), request({ query: 'apples' }, { pagination: { method: 'offset', pageSize: 5, pageNumber: 2 } }));
    assert.equal(offset.documents.length, 3);
    assert.equal(offset.pagination.total, 8);
    assert.equal(offset.pagination.has_next, false);
    assert.equal(offset.pagination.has_previous, true);
  });

  test('documents load only from the scope\'s organization and namespace', async () => {
    const other = withNamespace(scope, { namespaceId: 'ns_elsewhere', namespaceName: 'elsewhere' });
    assert.deepEqual(await t.app.metadataStore.documents.findManyInNamespace(other, ['doc_r01', 'doc_r02']), []);
    const own = await t.app.metadataStore.documents.findManyInNamespace(scope, ['doc_r01', 'doc_r02', 'doc_r01', 'doc_missing'], { withVectors: true });
    assert.deepEqual(own.map((d) => d.documentId).sort(), ['doc_r01', 'doc_r02']);
    assert.equal(own[0]!.vectors[place.index.name]!.length, place.index.dimensions);
    const result = await executor.execute(other, pipeline([semantic()], { collectionIds: [] }), request({ query: 'apples' }));
    assert.equal(result.documents.length, 0);
    await assert.rejects(executor.execute(other, pipeline([semantic()]), request({ query: 'apples' })), (err: unknown) => err instanceof TesseraError && err.status === 404);
  });

  test('inputs are validated: a missing required input is a 422 and nothing runs', async () => {
    await assert.rejects(
      executor.execute(scope, pipeline([semantic()], { inputSchema: { query: { type: 'text', required: true } } }), request({})),
      (err: unknown) => err instanceof TesseraError && err.status === 422 && err.type === 'ValidationError',
    );
  });
});

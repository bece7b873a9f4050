// The stage catalogue's pure parts: registry and aliases, parameter validation at creation (paths,
// defaults, templates), fusion math, sampling determinism, deduplication, score normalisation,
// and stage filters with templated and dynamic values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestError } from '../src/engine/errors.ts';
import { dbsfScores, fuse, minMaxScores } from '../src/engine/retrievers/fusion.ts';
import { deduplicateDocuments, jaccard } from '../src/engine/retrievers/stages/deduplicate.ts';
import { checkFilterParameter, resolveFilterParameter } from '../src/engine/retrievers/stages/filters.ts';
import { featureAddresses } from '../src/engine/retrievers/stages/feature-search.ts';
import { sampleDocuments } from '../src/engine/retrievers/stages/sample.ts';
import { mulberry32 } from '../src/lib/prng.ts';
import { normaliseScores } from '../src/engine/retrievers/stages/score-normalize.ts';
import { StageRegistry } from '../src/engine/retrievers/stages/stage-registry.ts';
import type { ExecutionDocument } from '../src/engine/retrievers/stages/stage-definition.ts';
import type { SearchHit } from '../src/engine/ports/search-index.ts';

const registry = new StageRegistry();
const hit = (id: string, score: number): SearchHit => ({ documentId: id, collectionId: 'col_x', score });
const doc = (id: string, fields: Record<string, unknown> = {}, score = 0): ExecutionDocument => ({ documentId: id, collectionId: 'col_x', score, fields: { document_id: id, ...fields } });
const AT = 'stages[0].config.parameters';

function badRequest(fn: () => unknown, path: string): void {
  assert.throws(fn, (err: unknown) => err instanceof BadRequestError && err.message.startsWith(`${path}:`), path);
}

describe('stage registry', () => {
  test('lists by category and resolves aliases', () => {
    const ids = registry.list().map((s) => s.stageId);
    for (const id of ['feature_search', 'text_search', 'attribute_filter', 'sort_attribute', 'sort_relevance', 'limit', 'sample', 'deduplicate', 'score_normalize']) assert.ok(ids.includes(id), id);
    assert.ok(registry.list('reduce').every((s) => s.category === 'reduce'));
    for (const alias of ['semantic_search', 'hybrid_search', 'knn_search']) assert.equal(registry.resolve(alias)?.stageId, 'feature_search');
    for (const alias of ['structured_filter', 'filter']) assert.equal(registry.resolve(alias)?.stageId, 'attribute_filter');
    assert.equal(registry.resolve('nope'), undefined);
    for (const s of registry.list()) {
      assert.equal(s.parameterSchema.type, 'object', s.stageId);
      assert.ok(s.icon && s.description);
    }
  });
});

describe('stage parameters at creation', () => {
  const fs = registry.resolve('feature_search')!;
  test('feature_search: defaults, template values kept, legacy forms normalised', () => {
    const p = fs.validate({ searches: [{ feature_uri: 'mixpeek://text_extractor@v1/embedding', query: '{{INPUT.query}}' }] }, AT);
    assert.deepEqual(p, { searches: [{ type: 'vector', feature_uri: 'mixpeek://text_extractor@v1/embedding', query: '{{INPUT.query}}', top_k: 100, weight: 1 }], final_top_k: 25, fusion: 'rrf' });
    const t = fs.validate({ searches: [{ feature_uri: 'u', query: { input_mode: 'text', text: '{{INPUT.q}}' }, top_k: '{{INPUT.k}}', filters: { price: { $lte: '{{INPUT.max}}' } } }], final_top_k: 5, fusion: 'dbsf' }, AT);
    assert.deepEqual((t.searches as Record<string, unknown>[])[0]!.query, { input_mode: 'text', value: '{{INPUT.q}}' });
    assert.equal((t.searches as Record<string, unknown>[])[0]!.top_k, '{{INPUT.k}}');
    const legacy = fs.validate({ feature_uris: ['a', 'b'], input: { text: '{{INPUT.q}}' }, limit: 7 }, AT);
    assert.equal((legacy.searches as unknown[]).length, 2);
    assert.equal(legacy.final_top_k, 7);
    assert.deepEqual(featureAddresses({ searches: [{ feature_uri: 'mixpeek://text_extractor@v1/embedding' }, { type: 'text' }] }), [{ scheme: 'mixpeek', extractor: 'text_extractor', version: 'v1', output: 'embedding' }]);
  });

  test('feature_search: refusals name the parameter', () => {
    badRequest(() => fs.validate({}, AT), `${AT}.searches`);
    badRequest(() => fs.validate({ searches: [] }, AT), `${AT}.searches`);
    badRequest(() => fs.validate({ searches: [{ query: 'x' }] }, AT), `${AT}.searches[0].feature_uri`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u' }] }, AT), `${AT}.searches[0].query`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u', query: 'x', top_k: 10_001 }] }, AT), `${AT}.searches[0].top_k`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u', query: 'x', top_k: 2.5 }] }, AT), `${AT}.searches[0].top_k`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u', query: 'x', weight: -1 }] }, AT), `${AT}.searches[0].weight`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u', query: { input_mode: 'image', value: 'x' } }] }, AT), `${AT}.searches[0].query.input_mode`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u', query: 'x', filters: { AND: [{ field: 'a', operator: 'bogus', value: 1 }] } }] }, AT), `${AT}.searches[0].filters.AND[0].operator`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u', query: 'x', filters: { field: 'a', operator: 'regex', value: '(a+)+' } }] }, AT), `${AT}.searches[0].filters.value`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u', query: '{{INPUT.q > 1}}' }] }, AT), `${AT}.searches[0].query`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u', query: 'x' }], fusion: 'learned' }, AT), `${AT}.fusion`);
    badRequest(() => fs.validate({ searches: [{ feature_uri: 'u', query: 'x' }], final_top_k: 0 }, AT), `${AT}.final_top_k`);
    badRequest(() => fs.validate({ searches: Array.from({ length: 11 }, () => ({ feature_uri: 'u', query: 'x' })) }, AT), `${AT}.searches`);
  });

  test('other stages: defaults and refusals', () => {
    assert.deepEqual(registry.resolve('limit')!.validate({}, AT), { limit: 10, offset: 0 });
    badRequest(() => registry.resolve('limit')!.validate({ limit: 0 }, AT), `${AT}.limit`);
    badRequest(() => registry.resolve('limit')!.validate({ offset: 10_001 }, AT), `${AT}.offset`);
    assert.deepEqual(registry.resolve('sort_attribute')!.validate({ field: 'price', direction: 'asc' }, AT), { sort_field: 'price', order: 'asc', null_handling: 'last' });
    badRequest(() => registry.resolve('sort_attribute')!.validate({}, AT), `${AT}.field`);
    badRequest(() => registry.resolve('sort_attribute')!.validate({ sort_field: 'a..b' }, AT), `${AT}.sort_field`);
    assert.deepEqual(registry.resolve('attribute_filter')!.validate({ field: 'status', value: '{{INPUT.s}}' }, AT), { field: 'status', operator: 'eq', value: '{{INPUT.s}}', case_insensitive: false });
    badRequest(() => registry.resolve('attribute_filter')!.validate({ field: 'status', operator: 'nope', value: 1 }, AT), `${AT}.operator`);
    badRequest(() => registry.resolve('attribute_filter')!.validate({}, AT), AT);
    badRequest(() => registry.resolve('sample')!.validate({ method: 'stratified' }, AT), `${AT}.group_field`);
    badRequest(() => registry.resolve('deduplicate')!.validate({ similarity_threshold: 2 }, AT), `${AT}.similarity_threshold`);
    badRequest(() => registry.resolve('text_search')!.validate({}, AT), `${AT}.query`);
    assert.deepEqual(registry.resolve('deduplicate')!.validate({}, AT), { strategy: 'field', similarity_threshold: 0.95, keep: 'first', case_sensitive: true, fields: ['document_id'], content_field: 'content' });
  });
});

describe('stage filters', () => {
  test('templates and dynamic values resolve; missing optional values drop their condition', () => {
    const raw = { AND: [{ field: 'price', operator: 'lte', value: '{{INPUT.max}}' }, { field: 'user', operator: 'eq', value: { type: 'dynamic', field: 'inputs.user_id' } }] };
    checkFilterParameter(raw, 'f');
    const f = resolveFilterParameter({ AND: [{ field: 'price', operator: 'lte', value: 10 }, { field: 'user', operator: 'eq', value: { type: 'dynamic', field: 'inputs.user_id' } }] }, 'f', { user_id: 'u1' });
    assert.equal(f?.kind, 'and');
    const dropped = resolveFilterParameter({ AND: [{ field: 'price', operator: 'lte' }, { field: 'user', operator: 'eq', value: { type: 'dynamic', field: 'inputs.user_id' } }] }, 'f', {});
    assert.equal(dropped, null);
    assert.deepEqual(resolveFilterParameter({ category: 'x' }, 'f', {}), { kind: 'condition', field: 'category', operator: 'eq', value: 'x', caseSensitive: false });
    badRequest(() => resolveFilterParameter({ field: 'a', operator: 'gt', value: [1] }, 'f', {}), 'f.value');
  });
});

describe('fusion', () => {
  const a = [hit('d1', 0.9), hit('d2', 0.8), hit('d3', 0.1)];
  const b = [hit('d3', 12), hit('d4', 6), hit('d1', 3)];

  test('rrf sums 1/(60 + rank) with weights', () => {
    const fused = fuse('rrf', [{ hits: a, weight: 1 }, { hits: b, weight: 1 }]);
    const score = Object.fromEntries(fused.map((h) => [h.documentId, h.score]));
    assert.ok(Math.abs(score.d1! - (1 / 61 + 1 / 63)) < 1e-12);
    assert.ok(Math.abs(score.d3! - (1 / 63 + 1 / 61)) < 1e-12);
    assert.ok(Math.abs(score.d2! - 1 / 62) < 1e-12);
    // d1 and d3 tie; d1 ranked first in a list earlier (rank 0 in both): id breaks the tie.
    assert.deepEqual(fused.map((h) => h.documentId), ['d1', 'd3', 'd2', 'd4']);
    const weighted = fuse('rrf', [{ hits: a, weight: 1 }, { hits: b, weight: 3 }]);
    assert.equal(weighted[0]!.documentId, 'd3');
  });

  test('weighted sums min-max normalised scores; max keeps the best; dbsf clamps to mean ± 3 sd', () => {
    assert.deepEqual(minMaxScores(a), [1, 0.875, 0]);
    assert.deepEqual(minMaxScores([hit('x', 2), hit('y', 2)]), [1, 1]);
    const w = fuse('weighted', [{ hits: a, weight: 0.5 }, { hits: b, weight: 1 }]);
    const score = Object.fromEntries(w.map((h) => [h.documentId, h.score]));
    assert.ok(Math.abs(score.d1! - (0.5 * 1 + 0)) < 1e-12);
    assert.ok(Math.abs(score.d3! - (0 + 1)) < 1e-12);
    assert.ok(Math.abs(score.d4! - 3 / 9) < 1e-12);
    const m = fuse('max', [{ hits: a, weight: 1 }, { hits: b, weight: 1 }]);
    assert.equal(Object.fromEntries(m.map((h) => [h.documentId, h.score])).d1, 1);
    const d = dbsfScores(a);
    assert.ok(d.every((s) => s >= 0 && s <= 1));
    assert.ok(d[0]! > d[1]! && d[1]! > d[2]!);
    assert.ok(fuse('dbsf', [{ hits: a, weight: 1 }, { hits: b, weight: 1 }]).length === 4);
  });
});

describe('sample, deduplicate, score_normalize', () => {
  const docs = Array.from({ length: 100 }, (_, i) => doc(`d${String(i).padStart(3, '0')}`, { group: i % 4 === 0 ? 'a' : 'b', content: `text ${i % 10}` }));

  test('sampling is deterministic with a seed, keeps input order, and stratifies', () => {
    const one = sampleDocuments(docs, { method: 'random', size: 10, seed: 42 }).map((d) => d.documentId);
    const two = sampleDocuments(docs, { method: 'random', size: 10, seed: 42 }).map((d) => d.documentId);
    const other = sampleDocuments(docs, { method: 'random', size: 10, seed: 43 }).map((d) => d.documentId);
    assert.deepEqual(one, two);
    assert.notDeepEqual(one, other);
    assert.deepEqual(one, [...one].sort());
    assert.equal(new Set(one).size, 10);
    const sys = sampleDocuments(docs, { method: 'systematic', size: 10, seed: 1 });
    assert.equal(sys.length, 10);
    const gaps = sys.slice(1).map((d, i) => Number(d.documentId.slice(1)) - Number(sys[i]!.documentId.slice(1)));
    assert.ok(gaps.every((g) => g === 10));
    const strat = sampleDocuments(docs, { method: 'stratified', size: 20, seed: 7, group_field: 'group' });
    assert.equal(strat.filter((d) => d.fields.group === 'a').length, 5);
    assert.equal(strat.filter((d) => d.fields.group === 'b').length, 15);
    const perGroup = sampleDocuments(docs, { method: 'stratified', size: 10, seed: 7, group_field: 'group', samples_per_group: 3 });
    assert.equal(perGroup.length, 6);
    assert.equal(sampleDocuments(docs.slice(0, 3), { method: 'random', size: 10, seed: 1 }).length, 3);
    const r = mulberry32(5);
    assert.ok(Array.from({ length: 1000 }, r).every((x) => x >= 0 && x < 1));
  });

  test('deduplicate by field (case folding, keep last) and by content (exact and shingle similarity)', () => {
    const byField = deduplicateDocuments(docs, { strategy: 'field', fields: ['group'], content_field: 'content', similarity_threshold: 0.95, keep: 'first', case_sensitive: true });
    assert.deepEqual(byField.documents.map((d) => d.documentId), ['d000', 'd001']);
    const last = deduplicateDocuments(docs, { strategy: 'field', fields: ['group'], content_field: 'content', similarity_threshold: 0.95, keep: 'last', case_sensitive: true });
    assert.deepEqual(last.documents.map((d) => d.documentId), ['d096', 'd099']);
    const cased = [doc('x1', { t: 'Hello' }), doc('x2', { t: 'hello' }), doc('x3', {})];
    assert.equal(deduplicateDocuments(cased, { strategy: 'field', fields: ['t'], content_field: 'c', similarity_threshold: 1, keep: 'first', case_sensitive: true }).documents.length, 3);
    assert.equal(deduplicateDocuments(cased, { strategy: 'field', fields: ['t'], content_field: 'c', similarity_threshold: 1, keep: 'first', case_sensitive: false }).documents.length, 2);
    const texts = [
      doc('c1', { content: 'the quick brown fox jumps over the lazy dog today' }),
      doc('c2', { content: '  The quick brown   fox jumps over the lazy dog today ' }),
      doc('c3', { content: 'the quick brown fox jumps over the lazy dog tomorrow' }),
      doc('c4', { content: 'something else entirely' }),
    ];
    const exact = deduplicateDocuments(texts, { strategy: 'content', fields: [], content_field: 'content', similarity_threshold: 1, keep: 'first', case_sensitive: false });
    assert.deepEqual(exact.documents.map((d) => d.documentId), ['c1', 'c3', 'c4']);
    const near = deduplicateDocuments(texts, { strategy: 'content', fields: [], content_field: 'content', similarity_threshold: 0.7, keep: 'first', case_sensitive: false });
    assert.deepEqual(near.documents.map((d) => d.documentId), ['c1', 'c4']);
    assert.equal(jaccard(new Set(['a', 'b']), new Set(['b', 'c'])), 1 / 3);
  });

  test('score normalisation', () => {
    assert.deepEqual(normaliseScores([1, 2, 3], 'min_max'), [0, 0.5, 1]);
    assert.deepEqual(normaliseScores([1, 2, 3], 'min_max', 10, 20), [10, 15, 20]);
    assert.deepEqual(normaliseScores([4, 4], 'min_max'), [1, 1]);
    const z = normaliseScores([1, 2, 3], 'z_score');
    assert.ok(Math.abs(z[0]! + z[2]!) < 1e-12 && z[1] === 0);
    const s = normaliseScores([1, 2, 3], 'softmax');
    assert.ok(Math.abs(s.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.deepEqual(normaliseScores([3, 4], 'l2'), [0.6, 0.8]);
    assert.deepEqual(normaliseScores([], 'l2'), []);
  });
});

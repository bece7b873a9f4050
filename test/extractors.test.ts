// The feature extractor catalogue (SPEC §14) through HTTP, namespaces validating and locking their
// extractors, the namespace extractor routes, and the extractors themselves over real inference.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LexicalInference } from '../src/adapters/models/lexical-inference.ts';
import { resolveParameters } from '../src/engine/extractors/extractor-parameters.ts';
import { ExtractorRegistry } from '../src/engine/extractors/extractor-registry.ts';
import { passthroughExtractor } from '../src/engine/extractors/passthrough-extractor/index.ts';
import { textExtractor } from '../src/engine/extractors/text-extractor/index.ts';
import { BadRequestError } from '../src/engine/errors.ts';
import type { InferencePort, TextModelInfo } from '../src/engine/ports/inference.ts';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { scopedKey } from './helpers/scoped-keys.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const TEXT = { feature_extractor_name: 'text_extractor', version: 'v1' };

/** An inference port that also has Mixpeek's default model (its vectors come from the lexical one). */
function withE5(): InferencePort {
  const lexical = new LexicalInference();
  const e5: TextModelInfo = { name: 'multilingual_e5_large_instruct_v1', outputName: 'multilingual_e5_large_instruct_v1', dimensions: 1024, distance: 'cosine', kind: 'neural', inferenceServiceId: 'intfloat/multilingual-e5-large-instruct', maxInputLength: 512 };
  return {
    textModels: async () => [...(await lexical.textModels()), e5],
    textModel: async (name) => (name === e5.name ? e5 : lexical.textModel(name)),
    embedText: (model, texts, options) => lexical.embedText(model === e5.name ? 'tessera_lexical_v1' : model, texts, options),
    close: async () => {},
  };
}

describe(`feature extractors [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('catalogue: GET /v1/collections/features/extractors lists text_extractor and passthrough_extractor in Mixpeek\'s shape', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/collections/features/extractors' });
    assert.equal(res.statusCode, 200, res.body);
    const list = res.json();
    assert.deepEqual(list.map((e: any) => e.feature_extractor_id), ['text_extractor_v1', 'passthrough_extractor_v1']);
    const text = list[0];
    assert.equal(text.source, 'builtin');
    assert.deepEqual(text.position_fields, ['chunk_index']);
    assert.deepEqual(text.supported_input_types, ['text', 'string']);
    assert.deepEqual(text.default_parameters, { extractor_type: 'text_extractor', split_by: 'none', chunk_size: 1000, chunk_overlap: 0 });
    assert.deepEqual(text.costs.rates, [{ unit: '1k_tokens', credits_per_unit: 1, description: 'Text embedding, per 1,000 tokens of input text' }]);
    assert.equal(text.parameter_schema.properties.chunk_size.maximum, 10000);
    assert.deepEqual(text.input_schema.required, ['text']);
    // No neural model in this process: a namespace would lock the built-in lexical model, honestly named.
    assert.equal(text.required_vector_indexes.length, 1);
    const index = text.required_vector_indexes[0];
    assert.equal(index.name, 'text_extractor_v1_embedding');
    assert.equal(index.feature_uri, 'mixpeek://text_extractor@v1/tessera_lexical_v1');
    assert.equal(index.index.dimensions, 384);
    assert.equal(index.index.distance, 'cosine');
    assert.equal(list[1].required_vector_indexes.length, 0);
    assert.deepEqual(list[1].costs.rates, []);
    const one = await t.call({ method: 'GET', url: '/v1/collections/features/extractors/text_extractor_v1' });
    assert.deepEqual(one.json(), text);
    assertError(await t.call({ method: 'GET', url: '/v1/collections/features/extractors/video_extractor_v1' }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'GET', url: '/v1/collections/features/extractors', key: null }), 401, 'UnauthorizedError');
  });

  test('namespaces: unknown extractor name or version is a 400 naming the known ones; nothing is created', async () => {
    const name = uniqueName('ns');
    for (const fe of [{ feature_extractor_name: 'video_extractor', version: 'v1' }, { feature_extractor_name: 'text_extractor', version: 'v9' }]) {
      const body = assertError(await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: name, feature_extractors: [TEXT, fe] } }), 400, 'BadRequestError');
      assert.match(body.error.message, /text_extractor@v1, passthrough_extractor@v1/);
      assert.equal(body.error.details.field, 'feature_extractors[1]');
    }
    assertError(await t.call({ method: 'GET', url: `/v1/namespaces/${name}` }), 404, 'NotFoundError');
  });

  test('namespaces lock their models at creation: params.locked_models, vector_inference_map, and the namespace extractor routes', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: [{ ...TEXT, params: { model: 'not_here' } }, { feature_extractor_name: 'passthrough_extractor', version: 'v1' }] } });
    assert.equal(res.statusCode, 200, res.body);
    const ns = res.json();
    const locked = { embedding: { model: 'tessera_lexical_v1', dimensions: 384, outputName: 'tessera_lexical_v1', inferenceServiceId: null } };
    assert.deepEqual(ns.feature_extractors[0].params, { model: 'not_here', locked_models: locked });
    assert.deepEqual(ns.feature_extractors[1].params, { locked_models: {} });
    assert.deepEqual(ns.vector_inference_map, { text_extractor_v1_embedding: 'tessera_lexical_v1' });
    assert.deepEqual((await t.call({ method: 'GET', url: `/v1/namespaces/${ns.namespace_id}` })).json().feature_extractors, ns.feature_extractors);

    const list = (await t.call({ method: 'GET', url: `/v1/namespaces/${ns.namespace_id}/extractors` })).json();
    assert.equal(list.success, true);
    assert.equal(list.namespace_id, ns.namespace_id);
    assert.deepEqual([list.total, list.builtin_count, list.custom_count], [2, 2, 0]);
    assert.equal(list.extractors[0].feature_uri, 'mixpeek://text_extractor@v1/tessera_lexical_v1');
    assert.deepEqual(list.extractors[0].params.locked_models, locked);
    assert.equal(list.extractors[1].feature_uri, null);
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${ns.namespace_name}/extractors?source=custom` })).json().total, 0);
    const one = (await t.call({ method: 'GET', url: `/v1/namespaces/${ns.namespace_name}/extractors/text_extractor_v1` })).json();
    assert.deepEqual(one, list.extractors[0]);
    assertError(await t.call({ method: 'GET', url: `/v1/namespaces/${ns.namespace_id}/extractors/text_extractor_v2` }), 404, 'NotFoundError');
  });

  test('namespace extractor routes: another organization and a key scoped to another namespace are refused', async () => {
    const ns = (await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] } })).json();
    const other = await otherOrganization(t);
    const elsewhere = (await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] } })).json();
    const scoped = await scopedKey(t, [{ resource_type: 'namespace', resource_id: elsewhere.namespace_id }]);
    for (const url of [`/v1/namespaces/${ns.namespace_id}/extractors`, `/v1/namespaces/${ns.namespace_id}/extractors/text_extractor_v1`, `/v1/namespaces/${ns.namespace_name}/extractors`]) {
      assertError(await t.call({ method: 'GET', url, key: other.apiKey }), 404, 'NotFoundError');
      const res = await t.call({ method: 'GET', url, key: scoped });
      assert.ok(res.statusCode === 403 || res.statusCode === 404, `${url} → ${res.statusCode}`);
    }
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${elsewhere.namespace_id}/extractors`, key: scoped })).statusCode, 200);
  });
});

describe('extractor definitions', () => {
  test('lockModels: Mixpeek\'s E5 when present, else an available requested model, else the lexical one', async () => {
    assert.deepEqual(await textExtractor.lockModels(withE5(), { model: 'tessera_lexical_v1' }), {
      embedding: { model: 'multilingual_e5_large_instruct_v1', dimensions: 1024, outputName: 'multilingual_e5_large_instruct_v1', inferenceServiceId: 'intfloat/multilingual-e5-large-instruct' },
    });
    const lexical = new LexicalInference();
    assert.equal((await textExtractor.lockModels(lexical, { model: 'tessera_lexical_v1' })).embedding!.model, 'tessera_lexical_v1');
    assert.equal((await textExtractor.lockModels(lexical, { model: 'missing' })).embedding!.model, 'tessera_lexical_v1');
    const e5Index = textExtractor.vectorIndexes(await textExtractor.lockModels(withE5(), null))[0]!;
    assert.equal(e5Index.feature_uri, 'mixpeek://text_extractor@v1/multilingual_e5_large_instruct_v1');
    assert.equal(e5Index.name, 'text_extractor_v1_embedding');
    assert.equal(e5Index.index.name, 'intfloat__multilingual_e5_large_instruct');
    assert.equal(e5Index.index.inference_service_id, 'intfloat/multilingual-e5-large-instruct');
    const none: InferencePort = { textModels: async () => [], textModel: async () => null, embedText: async () => [], close: async () => {} };
    await assert.rejects(textExtractor.lockModels(none, null), BadRequestError);
  });

  test('text_extractor extracts over real inference: one embedText call per chunk of inputs, chunk fields, positions', async () => {
    const lexical = new LexicalInference();
    const calls: number[] = [];
    const counting: InferencePort = { ...lexical, textModels: () => lexical.textModels(), textModel: (n) => lexical.textModel(n), close: async () => {}, embedText: (m, texts, o) => (calls.push(texts.length), lexical.embedText(m, texts, o)) };
    const locked = await textExtractor.lockModels(lexical, null);
    const parameters = resolveParameters(textExtractor, { split_by: 'words', chunk_size: 2 });
    const docs = await textExtractor.extract([{ inputs: { text: 'one two three' } }, { inputs: { text: 'four' } }, { inputs: {} }], { inference: counting, locked, parameters });
    assert.deepEqual(calls, [3]);
    assert.deepEqual(docs.map((d) => d.map((x) => x.fields)), [
      [{ text: 'one two', chunk_index: 0, chunk_text: 'one two', total_chunks: 2 }, { text: 'three', chunk_index: 1, chunk_text: 'three', total_chunks: 2 }],
      [{ text: 'four', chunk_index: 0, chunk_text: 'four', total_chunks: 1 }],
      [],
    ]);
    assert.deepEqual(docs[0]!.map((d) => d.position), [{ chunk_index: 0 }, { chunk_index: 1 }]);
    const v = docs[0]![0]!.vectors.text_extractor_v1_embedding!;
    assert.equal(v.length, 384);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
    const plain = await textExtractor.extract([{ inputs: { text: 'hello world' } }], { inference: lexical, locked, parameters: resolveParameters(textExtractor, {}) });
    assert.deepEqual(plain[0]![0]!.fields, { text: 'hello world' });
    assert.equal(textExtractor.creditsFor([{ inputs: { text: 'a b' } }, { inputs: { text: '' } }], parameters), 1);
    assert.equal(textExtractor.creditsFor(Array.from({ length: 3 }, () => ({ inputs: { text: Array(1000).fill('w').join(' ') } })), parameters), 3);
    assert.deepEqual(await passthroughExtractor.extract([{ inputs: {} }], { inference: lexical, locked: {}, parameters: {} }), [[{ position: {}, fields: {}, vectors: {} }]]);
    assert.equal(passthroughExtractor.creditsFor([{ inputs: {} }], {}), 0);
  });

  test('parameters: defaults applied, unknown keys dropped, bad values and LLM parameters refused naming them', () => {
    assert.deepEqual(resolveParameters(textExtractor, { model: 'x', split_by: 'sentences' }), { extractor_type: 'text_extractor', split_by: 'sentences', chunk_size: 1000, chunk_overlap: 0 });
    const refused = (p: Record<string, unknown>, field: RegExp) => assert.throws(() => resolveParameters(textExtractor, p), (e: unknown) => e instanceof BadRequestError && field.test(e.message));
    refused({ chunk_size: 0 }, /parameters\.chunk_size must be at least 1/);
    refused({ chunk_size: 10001 }, /chunk_size must be at most 10000/);
    refused({ chunk_overlap: 1.5 }, /chunk_overlap must be integer/);
    refused({ split_by: 'lines' }, /split_by must be one of characters/);
    refused({ response_shape: 'extract names' }, /response_shape is not supported/);
    refused({ llm_provider: 'openai' }, /llm_provider is not supported/);
    assert.equal(new ExtractorRegistry().find('text_extractor_v1'), textExtractor);
  });
});

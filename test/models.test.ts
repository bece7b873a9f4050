// Models behind the inference port, with no network: a tiny BERT-shaped model the test writes
// itself (test/helpers/tiny-model.ts: an ONNX graph and WordPiece tokenizer files) goes through the
// real loading code (@huggingface/transformers from TESSERA_MODELS_DIR) on the real worker-thread
// pool, composed as the server composes it. Also the built-in lexical embedder's properties and
// `tessera models list|pull` offline.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../src/cli/run-cli.ts';
import { openInference } from '../src/compose.ts';
import { modelsDirOf, validateConfig } from '../src/config.ts';
import { ModelUnavailableError, type InferencePort } from '../src/engine/ports/inference.ts';
import { CompositeInference } from '../src/adapters/models/composite-inference.ts';
import { embedLexical, LEXICAL_MODEL } from '../src/adapters/models/lexical-text-embedder.ts';
import { NeuralInference } from '../src/adapters/models/neural-inference.ts';
import { loadPipeline, ModelFilesMissingError } from '../src/adapters/models/transformers-text-embedder.ts';
import { tinyModelEntry, writeTinyModel } from './helpers/tiny-model.ts';
import { BACKEND } from './helpers/test-app.ts';

const DIMS = 32;
const TINY = tinyModelEntry('tiny_test_v1', 'tessera-test/tiny-bert', DIMS, { query: 'query: ', passage: 'passage: ' });

function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s / (norm(a) * norm(b));
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-models-'));
}

describe(`neural text models on worker threads (tiny model, offline) [${BACKEND}]`, () => {
  let dataDir: string;
  let inference: InferencePort;
  let neural: NeuralInference;

  before(() => {
    dataDir = tempDir();
    // The default models directory: <TESSERA_DATA_DIR>/models.
    writeTinyModel(path.join(dataDir, 'models'), TINY.repository, DIMS);
    inference = openInference(validateConfig({ dataDir, inferenceThreads: 2 }), [TINY]);
    assert.ok(inference instanceof CompositeInference);
    neural = (inference as unknown as { neural: NeuralInference }).neural;
  });

  after(async () => {
    await inference.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('lists the built-in model and the models whose files are present, nothing else', async () => {
    const names = (await inference.textModels()).map((m) => m.name);
    assert.deepEqual(names, [LEXICAL_MODEL.name, TINY.name]);
    const tiny = await inference.textModel(TINY.name);
    assert.deepEqual(tiny, { name: TINY.name, outputName: TINY.name, dimensions: DIMS, distance: 'cosine', kind: 'neural', inferenceServiceId: TINY.repository, maxInputLength: 128 });
    assert.equal(await inference.textModel('multilingual_e5_large_instruct_v1'), null);
    assert.equal(await inference.textModel('no_such_model'), null);
    assert.equal(neural.pool.threadCount, 0, 'no thread starts before a neural model is used');
  });

  test('real vectors: declared dimension, unit length, deterministic, different texts differ; load time and throughput', async (t) => {
    let started = performance.now();
    const [first] = await inference.embedText(TINY.name, ['hello world']);
    const loadMs = performance.now() - started;
    assert.ok(first instanceof Float32Array);
    assert.equal(first.length, DIMS);
    assert.ok(Math.abs(norm(first) - 1) < 1e-5, `unit length, got ${norm(first)}`);
    assert.ok(first.some((x) => x !== 0));

    const [again, other, same] = await inference.embedText(TINY.name, ['hello world', 'the cat sat on the mat', 'hello world']);
    assert.deepEqual(again, first, 'the same text gives the same vector, across calls');
    assert.deepEqual(same, first, 'and within a batch (padding does not change it)');
    assert.ok(cosine(first, other!) < 0.999, 'different texts give different vectors');

    // Purpose prefixes are applied (E5: 'query: ' / 'passage: ').
    const [query] = await inference.embedText(TINY.name, ['hello world'], { purpose: 'query' });
    assert.notDeepEqual(query, first);

    const texts = Array.from({ length: 100 }, (_, i) => `text ${i} about the search engine number ${i * 7}`);
    const vectors = await inference.embedText(TINY.name, texts);
    assert.equal(vectors.length, 100);
    for (const v of vectors) {
      assert.equal(v.length, DIMS);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    }
    // In order: each vector is the one its text gets alone (batches of 32 on two threads).
    for (const i of [0, 31, 32, 63, 99]) assert.deepEqual(vectors[i], (await inference.embedText(TINY.name, [texts[i]!]))[0], `text ${i}`);
    assert.ok(neural.pool.threadCount >= 1 && neural.pool.threadCount <= 2);

    const many = Array.from({ length: 2000 }, (_, i) => `the cat ${i} sat on the mat ${i % 13}`);
    started = performance.now();
    await inference.embedText(TINY.name, many);
    const perSecond = many.length / ((performance.now() - started) / 1000);
    t.diagnostic(`tiny model: first call (thread start + load) ${loadMs.toFixed(0)} ms; ${perSecond.toFixed(0)} texts/s through the pool (2 threads)`);
  });

  test('an empty input is an empty output; an aborted signal stops before any work', async () => {
    assert.deepEqual(await inference.embedText(TINY.name, []), []);
    const controller = new AbortController();
    controller.abort(new Error('job canceled'));
    await assert.rejects(inference.embedText(TINY.name, ['x'], { signal: controller.signal }), /job canceled/);
  });

  test('a missing or unknown model is ModelUnavailableError naming it, and the fix', async () => {
    await assert.rejects(inference.embedText('multilingual_e5_small_v1', ['x']), (err: unknown) => {
      assert.ok(err instanceof ModelUnavailableError);
      assert.equal(err.model, 'multilingual_e5_small_v1');
      assert.match(err.message, /Model 'multilingual_e5_small_v1' is not available: .*missing config\.json.*tessera models pull multilingual_e5_small_v1/);
      return true;
    });
    await assert.rejects(inference.embedText('no_such_model', ['x']), (err: unknown) => err instanceof ModelUnavailableError && /no such model/.test(err.message));
  });

  test('files that disagree with the catalogue (dimension) fail with ModelUnavailableError naming both', async () => {
    const wrong = tinyModelEntry('tiny_wrong_v1', 'tessera-test/tiny-bert', 64);
    const other = new NeuralInference({ modelsDir: modelsDirOf({ dataDir }), allowDownload: false, threads: 1, extraModels: [wrong] });
    try {
      await assert.rejects(other.embedText(wrong.name, ['x']), (err: unknown) => err instanceof ModelUnavailableError && /produce 32-d vectors, the catalogue says 64/.test(err.message));
    } finally {
      await other.close();
    }
  });

  test('a worker thread that dies is replaced: the next embedding runs on a new thread', async () => {
    // Terminated while idle: terminating a thread inside onnxruntime's native run aborts the whole
    // process (Napi::Error), which is what a real native crash would do too; a thread that ends
    // (out-of-memory exit, error) is what piscina replaces, and that is checked here.
    const other = new NeuralInference({ modelsDir: modelsDirOf({ dataDir }), allowDownload: false, threads: 1, extraModels: [TINY] });
    try {
      await other.embedText(TINY.name, ['warm up']);
      const threads = (other.pool as unknown as { pool: { threads: { terminate(): Promise<number>; threadId: number }[] } }).pool.threads;
      assert.equal(threads.length, 1);
      const first = threads[0]!.threadId;
      await threads[0]!.terminate();
      const [v] = await other.embedText(TINY.name, ['after the crash']);
      assert.equal(v!.length, DIMS);
      const now = (other.pool as unknown as { pool: { threads: { threadId: number }[] } }).pool.threads;
      assert.ok(now.length >= 1 && now.every((t) => t.threadId !== first), 'a new thread runs it');
    } finally {
      await other.close();
    }
  });

  test('close() ends the threads; later calls fail; closing twice is fine', async () => {
    const other = new NeuralInference({ modelsDir: modelsDirOf({ dataDir }), allowDownload: false, threads: 2, extraModels: [TINY] });
    await other.embedText(TINY.name, Array.from({ length: 64 }, (_, i) => `t${i}`));
    assert.ok(other.pool.threadCount >= 1);
    await other.close();
    assert.equal(other.pool.threadCount, 0);
    await other.close();
    await assert.rejects(other.embedText(TINY.name, ['x']), /closed/);
  });
});

describe(`model loading never reaches the network when downloads are off [${BACKEND}]`, () => {
  test('an absent model fails at once with ModelFilesMissingError and no fetch', async () => {
    const modelsDir = tempDir();
    const realFetch = globalThis.fetch;
    const fetched: string[] = [];
    globalThis.fetch = (async (input: string | URL | Request) => {
      fetched.push(String(input instanceof Request ? input.url : input));
      throw new Error('the network is off in this test');
    }) as typeof fetch;
    try {
      await assert.rejects(
        loadPipeline({ name: 'absent', repository: 'tessera-test/absent', dtype: 'fp32', externalData: false }, { modelsDir, allowDownload: false }),
        (err: unknown) => err instanceof ModelFilesMissingError && err.message.includes(path.join(modelsDir, 'tessera-test', 'absent')),
      );
      assert.deepEqual(fetched, []);
    } finally {
      globalThis.fetch = realFetch;
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });
});

describe(`built-in lexical embedder [${BACKEND}]`, () => {
  test('unit length, fixed dimension, deterministic', () => {
    for (const text of ['hello', 'The quick brown fox jumps over the lazy dog.', 'Ünïcödé — 東京 123']) {
      const v = embedLexical(text);
      assert.equal(v.length, LEXICAL_MODEL.dimensions);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5, `${text}: ${norm(v)}`);
      assert.deepEqual(embedLexical(text), v);
    }
  });

  test('texts sharing words are closer than unrelated texts; case and width do not matter', () => {
    const a = embedLexical('vector search over product descriptions');
    const b = embedLexical('search product descriptions with vectors');
    const c = embedLexical('the weather in Lisbon is warm today');
    assert.ok(cosine(a, b) > cosine(a, c) + 0.2, `shared ${cosine(a, b)} vs unrelated ${cosine(a, c)}`);
    assert.ok(cosine(embedLexical('HELLO World'), embedLexical('hello world')) > 0.9999);
  });

  test('a text without words is the zero vector', () => {
    for (const text of ['', '   ', '!!! ... ---']) assert.ok(embedLexical(text).every((x) => x === 0), JSON.stringify(text));
  });

  test('through the composite port: lexical runs inline, no thread starts', async () => {
    const dataDir = tempDir();
    const inference = openInference(validateConfig({ dataDir }));
    try {
      const [v] = await inference.embedText(LEXICAL_MODEL.name, ['hello world']);
      assert.deepEqual(v, embedLexical('hello world'));
      assert.deepEqual((await inference.textModels()).map((m) => m.name), [LEXICAL_MODEL.name]);
      assert.equal((inference as unknown as { neural: NeuralInference }).neural.pool.threadCount, 0);
    } finally {
      await inference.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(args, { env, stdout, stderr });
  return { code, out, err };
}

describe(`tessera models (offline) [${BACKEND}]`, () => {
  let modelsDir: string;

  before(() => {
    modelsDir = tempDir();
    // A tiny model in all_minilm_l6_v2's folder: present as far as files go, but 32-d, not 384-d.
    writeTinyModel(modelsDir, 'Xenova/all-MiniLM-L6-v2', DIMS);
    writeTinyModel(modelsDir, 'tessera-test/tiny-bert', DIMS);
  });

  after(() => fs.rmSync(modelsDir, { recursive: true, force: true }));

  test('models list shows every catalogue model and whether its files are present', async () => {
    const { code, out } = await cli(['models', 'list', '--json'], { TESSERA_MODELS_DIR: modelsDir });
    assert.equal(code, 0);
    const listing = JSON.parse(out) as { models_dir: string; models: { name: string; present: boolean; dimensions: number; missing_files: string[] }[] };
    assert.equal(listing.models_dir, modelsDir);
    const byName = Object.fromEntries(listing.models.map((m) => [m.name, m]));
    assert.deepEqual(Object.keys(byName), ['tessera_lexical_v1', 'multilingual_e5_large_instruct_v1', 'multilingual_e5_small_v1', 'all_minilm_l6_v2']);
    assert.equal(byName['tessera_lexical_v1']!.present, true);
    assert.equal(byName['all_minilm_l6_v2']!.present, true);
    assert.equal(byName['multilingual_e5_small_v1']!.present, false);
    assert.equal(byName['multilingual_e5_large_instruct_v1']!.dimensions, 1024);
    assert.deepEqual(byName['multilingual_e5_large_instruct_v1']!.missing_files, ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model.onnx_data']);

    const text = await cli(['models', 'list'], { TESSERA_MODELS_DIR: modelsDir });
    assert.equal(text.code, 0);
    assert.match(text.out, /all_minilm_l6_v2\s+384-d\s+present/);
    assert.match(text.out, /multilingual_e5_small_v1\s+384-d\s+not present/);
  });

  test('models pull checks a model already present offline, and refuses one whose dimension is wrong', async () => {
    const ok = await cli(['models', 'pull', 'tessera-test/tiny-bert', '--json'], { TESSERA_MODELS_DIR: modelsDir });
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual({ ...JSON.parse(ok.out), seconds: 0 }, { name: 'tessera-test/tiny-bert', repository: 'tessera-test/tiny-bert', models_dir: modelsDir, dimensions: DIMS, already_present: true, seconds: 0 });

    const wrong = await cli(['models', 'pull', 'all_minilm_l6_v2'], { TESSERA_MODELS_DIR: modelsDir });
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /produces 32-d vectors, but all_minilm_l6_v2 is 384-d/);

    const unknown = await cli(['models', 'pull', 'not a model'], { TESSERA_MODELS_DIR: modelsDir });
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /unknown model 'not a model'/);
  });
});

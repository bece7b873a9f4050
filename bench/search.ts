// Search benchmarks (issue 10), each printed as a ratio against a baseline measured in the same run:
//   (a) POST /v1/retrievers/{id}/execute, one feature_search over BENCH_DOCS documents of 384-d
//       vectors, over HTTP, vs the raw index query in-process (embed + searchVectors); recall@10 of
//       the HTTP results against an exact scan. Targets: p50 ≤ 5 ms, recall@10 ≥ 0.95.
//   (b) the same with a 1 %-selective filter: k results every time, p50 ≤ 10 ms.
//   (c) what rate limiting + credits cost on this route: p50 with both on (in-memory counters, then
//       Redis) vs both off, on a small namespace (exact scan, so the route is as fast as it gets
//       and the overhead ratio is the largest it can be). Targets ≤ 3 % embedded, ≤ 15 % Redis.
//   (d) hybrid BM25 + vector fusion of two 1,000-candidate lists. Target ≤ 1 ms.
//
//   npx tsx bench/search.ts [--json]
//   BENCH_DOCS=20000 BENCH_QUERIES=100 npx tsx bench/search.ts        # a quick run
//
// The documents are written straight into the metadata store (the ingest path has its own bench,
// bench/ingest-text.ts); their vectors are the built-in lexical model's embeddings of synthetic
// texts in 100 topics, so queries (other texts of the same topics) are in distribution, as real
// queries are.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config.ts';
import type { StoredDocument } from '../src/engine/documents/types.ts';
import type { TenantScope } from '../src/engine/scope/request-scope.ts';
import { MAX_RATE_LIMIT_PER_MINUTE } from '../src/engine/bounds.ts';
import { fuse } from '../src/engine/retrievers/fusion.ts';
import { mulberry32 } from '../src/lib/prng.ts';

const DOCS = Number(process.env.BENCH_DOCS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const SMALL_DOCS = Number(process.env.BENCH_SMALL_DOCS ?? 2_000);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ANN_WAIT_MS = Number(process.env.BENCH_ANN_WAIT_MS ?? 600_000);
const json = process.argv.includes('--json');
const K = 10;

const TOPICS = 100;
const WORDS_PER_TOPIC = 40;
/** Deterministic, so runs compare. */
const rng = mulberry32;
const word = (topic: number, i: number) => `t${topic}w${i}`;
function text(random: () => number, topic: number): string {
  const words: string[] = [];
  for (let i = 0; i < 24; i++) {
    // Mostly the topic's words, some from anywhere: topics overlap a little, as real ones do.
    const t = random() < 0.8 ? topic : Math.floor(random() * TOPICS);
    words.push(word(t, Math.floor(random() * WORDS_PER_TOPIC)));
  }
  return words.join(' ');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

interface Running {
  app: FastifyInstance;
  baseUrl: string;
  /** Vectors per name below which the index builds no graph (TESSERA_INDEX_ANN_THRESHOLD). */
  annThreshold: number;
}

async function start(dataDir: string, apiKey: string, options: { limits: boolean; redisUrl?: string }): Promise<Running> {
  const config = validateConfig({
    dataDir,
    bootstrapApiKey: apiKey,
    logLevel: 'warn',
    host: '127.0.0.1',
    port: 0,
    rateLimiting: options.limits,
    usageAccounting: options.limits,
    ...(options.redisUrl ? { redisUrl: options.redisUrl, redisKeyPrefix: `bench-search-${randomBytes(4).toString('hex')}:` } : {}),
  });
  const app = await buildApp(config, { logStream: fs.createWriteStream('/dev/null') });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl: address, annThreshold: config.indexAnnThreshold };
}

function client(baseUrl: string, apiKey: string) {
  return async (method: string, url: string, body?: unknown, namespace?: string): Promise<any> => {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...(namespace ? { 'x-namespace': namespace } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const payload = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(payload).slice(0, 400)}`);
    return payload;
  };
}

interface Corpus {
  namespaceId: string;
  collectionId: string;
  vectorName: string;
  featureUri: string;
  tenant: TenantScope;
}

/** A namespace with one text_extractor collection holding `count` documents written straight to the store. */
async function corpus(r: Running, apiKey: string, count: number, name: string, seed: number): Promise<Corpus> {
  const call = client(r.baseUrl, apiKey);
  const ns = await call('POST', '/v1/namespaces', { namespace_name: name, feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] });
  const namespaceId: string = ns.namespace_id;
  const bucket = await call('POST', '/v1/buckets', { bucket_name: `${name}-bucket`, bucket_schema: { properties: { text: { type: 'text' } } } }, namespaceId);
  const collection = await call(
    'POST',
    '/v1/collections',
    { collection_name: `${name}-docs`, source: { type: 'bucket', bucket_ids: [bucket.bucket_id] }, feature_extractor: { feature_extractor_name: 'text_extractor', version: 'v1', input_mappings: { text: 'text' } } },
    namespaceId,
  );
  const index = collection.vector_indexes[0];
  const store = r.app.metadataStore;
  const org = await call('GET', '/v1/organizations');
  const organization = (await store.organizations.findByPublicId(org.organization_id))!;
  const tenant: TenantScope = { organization, namespace: { namespaceId, namespaceName: name } };
  const model = (await r.app.services.inference.textModels())[0]!.name;
  const random = rng(seed);
  const now = new Date().toISOString();
  for (let start = 0; start < count; start += 2000) {
    const texts: string[] = [];
    const topics: number[] = [];
    for (let i = start; i < Math.min(count, start + 2000); i++) {
      const topic = i % TOPICS;
      topics.push(topic);
      texts.push(text(random, topic));
    }
    const vectors = await r.app.services.inference.embedText(model, texts);
    const docs: StoredDocument[] = texts.map((t, j) => ({
      documentId: `doc_bench${seed}x${start + j}`,
      organizationInternalId: organization.internalId,
      namespaceId,
      collectionId: collection.collection_id,
      fields: { text: t, topic: topics[j]!, shard: (start + j) % 100 },
      vectors: { [index.name]: vectors[j]! },
      lineage: { rootObjectId: null, rootBucketId: bucket.bucket_id, sourceType: 'bucket', sourceObjectId: null, sourceDocumentId: null, sourceCollectionId: null, path: bucket.bucket_id, chain: [] },
      processingTier: 0,
      sourceBlobs: [],
      internalMetadata: {},
      batchId: null,
      createdAt: now,
      updatedAt: now,
    }));
    await store.documents.upsertMany(tenant, docs);
  }
  return { namespaceId, collectionId: collection.collection_id, vectorName: index.name, featureUri: index.feature_uri, tenant };
}

async function retriever(r: Running, apiKey: string, c: Corpus, name: string, filters?: unknown): Promise<string> {
  const call = client(r.baseUrl, apiKey);
  const created = await call(
    'POST',
    '/v1/retrievers',
    {
      retriever_name: name,
      collection_identifiers: [c.collectionId],
      input_schema: { query: { type: 'text', required: true } },
      stages: [
        {
          stage_name: 'search',
          stage_type: 'filter',
          config: { stage_id: 'feature_search', parameters: { searches: [{ feature_uri: c.featureUri, query: '{{INPUT.query}}', top_k: K, ...(filters ? { filters } : {}) }], final_top_k: K } },
        },
      ],
    },
    c.namespaceId,
  );
  return created.retriever_id ?? created.retriever.retriever_id;
}

async function waitForAnn(r: Running, c: Corpus): Promise<{ seconds: number; annIndexed: number }> {
  const started = performance.now();
  for (;;) {
    const stats = await r.app.services.searchIndex.stats(c.namespaceId);
    const v = stats.vectors[c.vectorName];
    // Below the threshold no graph is built: the index scans exactly, and there is nothing to wait for.
    const noGraph = !v || v.count < r.annThreshold;
    if (noGraph || v.annIndexed >= v.count || performance.now() - started > ANN_WAIT_MS) return { seconds: (performance.now() - started) / 1000, annIndexed: v?.annIndexed ?? 0 };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function queries(seed: number, n: number): string[] {
  const random = rng(seed);
  return Array.from({ length: n }, (_, i) => text(random, (i * 37) % TOPICS));
}

/** p50/p99 of sequential executes, and the documents each returned. */
async function timeExecutes(r: Running, apiKey: string, namespaceId: string, retrieverId: string, texts: string[]): Promise<{ p50: number; p99: number; results: string[][] }> {
  const call = client(r.baseUrl, apiKey);
  for (const q of texts.slice(0, 20)) await call('POST', `/v1/retrievers/${retrieverId}/execute`, { inputs: { query: q } }, namespaceId);
  const times: number[] = [];
  const results: string[][] = [];
  for (const q of texts) {
    const t0 = performance.now();
    const res = await call('POST', `/v1/retrievers/${retrieverId}/execute`, { inputs: { query: q } }, namespaceId);
    times.push(performance.now() - t0);
    results.push((res.documents as { document_id: string }[]).map((d) => d.document_id));
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), results };
}

/** The raw index query in-process: the query embedding and searchVectors, nothing else. */
async function timeRaw(r: Running, c: Corpus, texts: string[], filter: unknown, exact: boolean): Promise<{ p50: number; results: string[][] }> {
  const model = (await r.app.services.inference.textModels())[0]!.name;
  const times: number[] = [];
  const results: string[][] = [];
  for (const q of texts) {
    const t0 = performance.now();
    const [vector] = await r.app.services.inference.embedText(model, [q], { purpose: 'query' });
    const hits = await r.app.services.searchIndex.searchVectors({
      organizationInternalId: c.tenant.organization.internalId,
      namespaceId: c.namespaceId,
      collectionIds: [c.collectionId],
      vectorName: c.vectorName,
      vector: vector!,
      k: K,
      filter: filter as never,
      exact,
    });
    times.push(performance.now() - t0);
    results.push(hits.map((h) => h.documentId));
  }
  return { p50: percentile(times, 50), results };
}

function recall(got: string[][], truth: string[][]): number {
  let hit = 0;
  let total = 0;
  got.forEach((ids, i) => {
    const expected = new Set(truth[i]);
    total += expected.size;
    hit += ids.filter((id) => expected.has(id)).length;
  });
  return total === 0 ? 1 : hit / total;
}

async function redisAnswers(url: string): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-search-'));
  const apiKey = `sk_bench_${randomBytes(24).toString('base64url')}`;
  const out: Record<string, unknown> = { docs: DOCS, queries: QUERIES };
  const running: Running[] = [];
  try {
    const main = await start(dir, apiKey, { limits: false });
    running.push(main);
    const call = client(main.baseUrl, apiKey);
    await call('POST', '/v1/organizations/credits', { credits: 1_000_000 });

    // (a) and (b)
    let t0 = performance.now();
    const big = await corpus(main, apiKey, DOCS, 'bench-big', 1);
    const writeSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await main.app.services.searchIndex.stats(big.namespaceId);
    const loadSeconds = (performance.now() - t0) / 1000;
    const ann = await waitForAnn(main, big);
    // Steady state: the snapshot written after the graph build (≈1 s of main-thread work at 100k)
    // would otherwise land inside the timed queries.
    await (main.app.services.searchIndex as { flush?: () => Promise<void> }).flush?.();
    const plain = await retriever(main, apiKey, big, 'bench-plain');
    const filter = { field: 'shard', operator: 'eq', value: 7 };
    const filtered = await retriever(main, apiKey, big, 'bench-filtered', filter);
    const texts = queries(99, QUERIES);
    const { parseFilter } = await import('../src/engine/query/index.ts');
    const filterNode = parseFilter(filter);

    const rawA = await timeRaw(main, big, texts, null, false);
    const exactA = await timeRaw(main, big, texts, null, true);
    const httpA = await timeExecutes(main, apiKey, big.namespaceId, plain, texts);
    const rawB = await timeRaw(main, big, texts, filterNode, false);
    const exactB = await timeRaw(main, big, texts, filterNode, true);
    const httpB = await timeExecutes(main, apiKey, big.namespaceId, filtered, texts);
    out.a = {
      write_seconds: round(writeSeconds, 1),
      index_load_seconds: round(loadSeconds, 1),
      ann_build_wait_seconds: round(ann.seconds, 1),
      ann_indexed: ann.annIndexed,
      http_p50_ms: round(httpA.p50),
      http_p99_ms: round(httpA.p99),
      raw_p50_ms: round(rawA.p50),
      exact_p50_ms: round(exactA.p50),
      ratio_http_to_raw: round(httpA.p50 / rawA.p50),
      recall_at_10: round(recall(httpA.results, exactA.results), 3),
      target: 'http p50 ≤ 5 ms, recall@10 ≥ 0.95',
    };
    out.b = {
      http_p50_ms: round(httpB.p50),
      http_p99_ms: round(httpB.p99),
      raw_p50_ms: round(rawB.p50),
      ratio_http_to_raw: round(httpB.p50 / rawB.p50),
      always_k: httpB.results.every((ids) => ids.length === K),
      recall_at_10: round(recall(httpB.results, exactB.results), 3),
      target: 'k results always, http p50 ≤ 10 ms',
    };

    // (c): three apps over one data directory, the same small namespace
    const small = await corpus(main, apiKey, SMALL_DOCS, 'bench-small', 2);
    const smallRetriever = await retriever(main, apiKey, small, 'bench-small');
    const smallTexts = queries(7, QUERIES);
    const limited = await start(dir, apiKey, { limits: true });
    running.push(limited);
    await client(limited.baseUrl, apiKey)('PATCH', '/v1/organizations', { rate_limits: Object.fromEntries(['metadata', 'data', 'search', 'upload', 'compute'].map((c) => [c, MAX_RATE_LIMIT_PER_MINUTE])) });
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    const off: number[] = [];
    const on: number[] = [];
    const redis: number[] = [];
    let redisApp: Running | null = null;
    if (await redisAnswers(REDIS_URL)) {
      redisApp = await start(dir, apiKey, { limits: true, redisUrl: REDIS_URL });
      running.push(redisApp);
    }
    // Alternating rounds, medians of the rounds' p50s: a busy machine shifts all three alike.
    for (let i = 0; i < rounds; i++) {
      off.push((await timeExecutes(main, apiKey, small.namespaceId, smallRetriever, smallTexts)).p50);
      on.push((await timeExecutes(limited, apiKey, small.namespaceId, smallRetriever, smallTexts)).p50);
      if (redisApp) redis.push((await timeExecutes(redisApp, apiKey, small.namespaceId, smallRetriever, smallTexts)).p50);
    }
    const med = (v: number[]) => percentile(v, 50);
    out.c = {
      small_docs: SMALL_DOCS,
      off_p50_ms: round(med(off), 3),
      embedded_p50_ms: round(med(on), 3),
      embedded_overhead_pct: round((med(on) / med(off) - 1) * 100, 1),
      redis_p50_ms: redisApp ? round(med(redis), 3) : null,
      redis_overhead_pct: redisApp ? round((med(redis) / med(off) - 1) * 100, 1) : null,
      target: '≤ 3 % embedded, ≤ 15 % Redis',
    };

    // (d): fusion of a vector list and a BM25 list of 1,000 candidates each (half overlapping)
    const random = rng(5);
    const list = (offset: number) => Array.from({ length: 1000 }, (_, i) => ({ documentId: `doc_${i + offset}`, collectionId: 'col_x', score: random() }));
    const vectorsList = list(0);
    const textList = list(500);
    const lists = [{ hits: vectorsList, weight: 1 }, { hits: textList, weight: 1 }];
    for (let i = 0; i < 200; i++) fuse('rrf', lists);
    const fusionTimes: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const s = performance.now();
      fuse('rrf', lists);
      fusionTimes.push(performance.now() - s);
    }
    out.d = { candidates: 1000, fusion_p50_ms: round(percentile(fusionTimes, 50), 3), fusion_p99_ms: round(percentile(fusionTimes, 99), 3), ratio_to_http_p50: round(percentile(fusionTimes, 50) / httpA.p50, 3), target: '≤ 1 ms' };
  } finally {
    for (const r of running.reverse()) await r.app.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (json) console.log(JSON.stringify(out));
  else console.log(JSON.stringify(out, null, 2));
}

await main();

// Processing throughput: text objects → batch → text_extractor (built-in lexical model) → documents
// written, end to end through the HTTP API and the job queue, in documents/s, against the bare
// extractor loop (the same extractor over the same texts in the same chunk size, nothing stored) in
// the same run. The ratio is what the pipeline costs over the extraction itself: the job queue,
// reading objects, building documents with lineage, and writing documents and their vectors.
// One in-process app on embedded SQLite with the database job queue, as `npm start` runs it.
//
//   npx tsx bench/ingest-text.ts [--json]
//   BENCH_OBJECTS=100000 npx tsx bench/ingest-text.ts      # the memory run of the issue (peak RSS)
//
// Env: BENCH_OBJECTS (default 20000), BENCH_WORKERS (TESSERA_WORKER_CONCURRENCY, default 2),
// BENCH_CHUNK (TESSERA_BATCH_CHUNK_SIZE, default the configured one).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config.ts';
import { LexicalInference } from '../src/adapters/models/lexical-inference.ts';
import { textExtractor } from '../src/engine/extractors/text-extractor/index.ts';
import { LEXICAL_MODEL } from '../src/adapters/models/lexical-text-embedder.ts';

const TARGET_DOCS_PER_SECOND = 2_000;
const TARGET_RATIO = 0.5;
const RSS_LIMIT_BYTES = 1024 ** 3;

const objects = Number(process.env.BENCH_OBJECTS ?? 20_000);
const workers = process.env.BENCH_WORKERS ?? '2';
const json = process.argv.includes('--json');

const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split(' ');
function text(i: number): string {
  // Ten to twenty words: a short product description or a support message.
  const n = 10 + (i % 11);
  return Array.from({ length: n }, (_, j) => WORDS[(i * 7 + j * 13) % WORDS.length]).join(' ') + ` item ${i}`;
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
sampler.unref();

async function measurePipeline(dir: string): Promise<{ docsPerSecond: number; seconds: number; chunkSize: number; ingestSeconds: number; rssBefore: number }> {
  const adminKey = `sk_bench_${randomBytes(24).toString('base64url')}`;
  const config = validateConfig({
    dataDir: dir,
    bootstrapApiKey: adminKey,
    rateLimiting: false,
    logLevel: 'warn',
    workerConcurrency: Number(workers),
    jobPollIntervalMs: 50,
    ...(process.env.BENCH_CHUNK ? { batchChunkSize: Number(process.env.BENCH_CHUNK) } : {}),
  });
  const app = await buildApp(config, { logStream: fs.createWriteStream('/dev/null') });
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${adminKey}`, ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
    if (res.statusCode !== 200) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json();
  };
  try {
    await call('POST', '/v1/organizations/credits', { credits: 1_000_000 }); // team tier: batch_size 100k
    const ns = await call('POST', '/v1/namespaces', { namespace_name: 'bench', feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] });
    const h = { 'x-namespace': ns.namespace_id as string };
    const bucket = await call('POST', '/v1/buckets', { bucket_name: 'texts', bucket_schema: { properties: { content: { type: 'string' } } } }, h);
    const collection = await call('POST', '/v1/collections', {
      collection_name: 'texts-embedded',
      source: { type: 'bucket', bucket_ids: [bucket.bucket_id] },
      feature_extractor: { feature_extractor_name: 'text_extractor', version: 'v1', input_mappings: { text: 'content' } },
    }, h);
    const ingestStarted = performance.now();
    const ids: string[] = [];
    // 100 objects per request (the route's maximum), 4 requests in flight.
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < objects) {
          const from = next;
          next = Math.min(objects, next + 100);
          const body = { objects: Array.from({ length: next - from }, (_, j) => ({ content: text(from + j) })) };
          const r = await call('POST', `/v1/buckets/${bucket.bucket_id}/objects/batch`, body, h);
          for (const o of r.succeeded) ids.push(o.object_id);
        }
      }),
    );
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    const batch = await call('POST', `/v1/buckets/${bucket.bucket_id}/batches`, { object_ids: ids.slice(0, 5000) }, h);
    for (let i = 5000; i < ids.length; i += 5000) await call('POST', `/v1/buckets/${bucket.bucket_id}/batches/${batch.batch_id}/objects`, { object_ids: ids.slice(i, i + 5000) }, h);
    const rssBefore = process.memoryUsage.rss();
    peakRss = rssBefore;
    const started = performance.now();
    const task = await call('POST', `/v1/buckets/${bucket.bucket_id}/batches/${batch.batch_id}/submit`, {}, h);
    let status = task.status as string;
    while (!['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED'].includes(status)) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await call('GET', `/v1/tasks/${task.task_id}`)).status;
    }
    const seconds = (performance.now() - started) / 1000;
    if (status !== 'COMPLETED') throw new Error(`the batch ended ${status}`);
    const written = (await call('GET', `/v1/collections/${collection.collection_id}`, undefined, h)).document_count as number;
    if (written !== objects) throw new Error(`${written} documents written for ${objects} objects`);
    return { docsPerSecond: objects / seconds, seconds, chunkSize: config.batchChunkSize, ingestSeconds, rssBefore };
  } finally {
    await app.close();
  }
}

async function measureBareLoop(chunkSize: number): Promise<{ docsPerSecond: number }> {
  const inference = new LexicalInference();
  const locked = { embedding: { model: LEXICAL_MODEL.name, dimensions: LEXICAL_MODEL.dimensions, outputName: LEXICAL_MODEL.outputName } };
  const parameters = textExtractor.defaultParameters;
  const started = performance.now();
  let made = 0;
  for (let i = 0; i < objects; i += chunkSize) {
    const inputs = Array.from({ length: Math.min(chunkSize, objects - i) }, (_, j) => ({ inputs: { text: text(i + j) } }));
    const out = await textExtractor.extract(inputs, { inference, locked, parameters });
    made += out.reduce((n, docs) => n + docs.length, 0);
  }
  return { docsPerSecond: made / ((performance.now() - started) / 1000) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-text-'));
try {
  const pipeline = await measurePipeline(dir);
  const chunk = pipeline.chunkSize;
  const bare = await measureBareLoop(chunk);
  const ratio = pipeline.docsPerSecond / bare.docsPerSecond;
  const report = {
    objects,
    workers: Number(workers),
    chunkSize: chunk,
    pipelineDocsPerSecond: Math.round(pipeline.docsPerSecond),
    pipelineSeconds: Number(pipeline.seconds.toFixed(2)),
    objectIngestSeconds: Number(pipeline.ingestSeconds.toFixed(2)),
    bareExtractorDocsPerSecond: Math.round(bare.docsPerSecond),
    ratio: Number(ratio.toFixed(3)),
    rssBeforeMb: Math.round(pipeline.rssBefore / 2 ** 20),
    peakRssMb: Math.round(peakRss / 2 ** 20),
    targets: { docsPerSecond: TARGET_DOCS_PER_SECOND, ratio: TARGET_RATIO, peakRssMb: RSS_LIMIT_BYTES / 2 ** 20 },
    met: pipeline.docsPerSecond >= TARGET_DOCS_PER_SECOND && ratio >= TARGET_RATIO && peakRss < RSS_LIMIT_BYTES,
    cpus: os.cpus().length,
  };
  if (json) console.log(JSON.stringify(report));
  else {
    console.log(`${objects} text objects → batch → text_extractor (lexical) → documents: ${report.pipelineDocsPerSecond} docs/s (${report.pipelineSeconds} s; objects created beforehand in ${report.objectIngestSeconds} s)`);
    console.log(`bare extractor loop (chunks of ${chunk}, nothing stored):  ${report.bareExtractorDocsPerSecond} docs/s`);
    console.log(`ratio ${report.ratio} (target ≥ ${TARGET_RATIO}); docs/s target ≥ ${TARGET_DOCS_PER_SECOND}; peak RSS ${report.peakRssMb} MB (before submit ${report.rssBeforeMb} MB, limit 1024): ${report.met ? 'met' : 'MISSED'}`);
  }
} finally {
  clearInterval(sampler);
  fs.rmSync(dir, { recursive: true, force: true });
}

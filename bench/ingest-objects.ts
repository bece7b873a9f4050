// Ingest throughput: objects/s through POST /v1/buckets/{id}/objects/batch (100 small text objects
// per request, in-process through app.inject, embedded SQLite) against a plain better-sqlite3 loop
// inserting the same rows (one prepared INSERT, one transaction per 100) in the same run. The ratio
// is what validation, admission, the unique-key/quota checks and the presenter cost over the bare
// database write.
//
//   npx tsx bench/ingest-objects.ts [--json]
//
// Env: BENCH_DURATION (s per side, default 10), BENCH_BATCH (objects per request, default 100),
// BENCH_CONCURRENCY (requests in flight, default 4).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config.ts';
import { newId } from '../src/lib/ids.ts';

const TARGET_OBJECTS_PER_SECOND = 5_000;
const TARGET_RATIO = 0.3;

const seconds = Number(process.env.BENCH_DURATION ?? 10);
const batch = Number(process.env.BENCH_BATCH ?? 100);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const json = process.argv.includes('--json');

function objectBody(i: number): Record<string, unknown> {
  return { title: `object ${i}`, body: `small text object number ${i} for the ingest benchmark`, n: i };
}

async function measureApi(dir: string): Promise<{ objectsPerSecond: number; requests: number }> {
  const adminKey = `sk_bench_${randomBytes(24).toString('base64url')}`;
  const config = validateConfig({ dataDir: dir, bootstrapApiKey: adminKey, rateLimiting: false, logLevel: 'warn' });
  const app = await buildApp(config, { logStream: fs.createWriteStream('/dev/null') });
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${adminKey}`, ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
    if (res.statusCode !== 200) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json();
  };
  try {
    await call('POST', '/v1/organizations/credits', { credits: 1_000_000 }); // team tier: room for the objects
    const ns = await call('POST', '/v1/namespaces', { namespace_name: 'bench', feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] });
    const bucket = await call('POST', '/v1/buckets', { bucket_name: 'bench', bucket_schema: { properties: { title: { type: 'string' }, body: { type: 'string' }, n: { type: 'integer' } } } }, { 'x-namespace': ns.namespace_id });
    const url = `/v1/buckets/${bucket.bucket_id}/objects/batch`;
    let next = 0;
    let requests = 0;
    const send = () => call('POST', url, { objects: Array.from({ length: batch }, () => objectBody(next++)) }, { 'x-namespace': ns.namespace_id });
    // Warm-up: compile schemas, fill caches.
    for (let i = 0; i < 5; i++) await send();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let created = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const r = await send();
          created += r.succeeded_count;
          requests++;
        }
      }),
    );
    return { objectsPerSecond: created / ((performance.now() - started) / 1000), requests };
  } finally {
    await app.close();
  }
}

function measurePlain(dir: string): { objectsPerSecond: number } {
  const db = new Database(path.join(dir, 'plain.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table objects (object_id text primary key, organization_internal_id text not null, namespace_id text not null, bucket_id text not null,
    key_prefix text, fields text not null, blobs text not null, blob_count integer not null, status text not null, error text, unique_key_value text,
    source_details text not null, total_size_bytes integer not null, created_at text not null, updated_at text not null);
    create index objects_tenant on objects (organization_internal_id, namespace_id, bucket_id, created_at);
    create index objects_bucket on objects (bucket_id);
    create unique index objects_unique_key on objects (bucket_id, unique_key_value) where unique_key_value is not null;`);
  const insert = db.prepare('insert into objects values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const many = db.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(...r);
  });
  let next = 0;
  let created = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    const now = new Date().toISOString();
    const rows = Array.from({ length: batch }, () => [newId('object'), 'int_x', 'ns_x', 'bkt_x', null, JSON.stringify(objectBody(next++)), '[]', 0, 'DRAFT', null, null, '[]', 0, now, now]);
    many(rows);
    created += rows.length;
  }
  const rate = created / ((performance.now() - started) / 1000);
  db.close();
  return { objectsPerSecond: rate };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-ingest-'));
try {
  const api = await measureApi(dir);
  const plain = measurePlain(dir);
  const ratio = api.objectsPerSecond / plain.objectsPerSecond;
  const report = {
    batch,
    concurrency,
    durationSeconds: seconds,
    apiObjectsPerSecond: Math.round(api.objectsPerSecond),
    apiRequests: api.requests,
    plainInsertObjectsPerSecond: Math.round(plain.objectsPerSecond),
    ratio: Number(ratio.toFixed(3)),
    targets: { objectsPerSecond: TARGET_OBJECTS_PER_SECOND, ratio: TARGET_RATIO },
    met: api.objectsPerSecond >= TARGET_OBJECTS_PER_SECOND && ratio >= TARGET_RATIO,
    cpus: os.cpus().length,
  };
  if (json) console.log(JSON.stringify(report));
  else {
    console.log(`POST …/objects/batch (${batch}/request, ${concurrency} in flight, ${seconds} s): ${report.apiObjectsPerSecond} objects/s over ${api.requests} requests`);
    console.log(`plain better-sqlite3 insert loop:             ${report.plainInsertObjectsPerSecond} objects/s`);
    console.log(`ratio ${report.ratio} (target ≥ ${TARGET_RATIO}); objects/s target ≥ ${TARGET_OBJECTS_PER_SECOND}: ${report.met ? 'met' : 'MISSED'}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

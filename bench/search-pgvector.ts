// The pgvector search index on clustered vectors (not a test): N × D vectors drawn around 100
// gaussian centres (like real embeddings, unlike uniform noise, on which every ANN looks bad),
// written through the metadata store, then: catch-up time (the index's first scan of the
// namespace), HNSW build time, p50/p99 of k=10 searches unfiltered and with a 1 % filter, and
// recall@10 against an exact scan computed here.
//
//   npx tsx bench/search-pgvector.ts            (BENCH_PG_URL, BENCH_N=100000, BENCH_DIMS=384, BENCH_QUERIES=200)
//
// It makes its own schema in the database and drops it at the end (BENCH_KEEP=1 keeps it;
// BENCH_SCHEMA=<kept schema> measures the searches again on it, skipping the load and the build).
import pg from 'pg';
import { validateConfig } from '../src/config.ts';
import { openMetadataStore } from '../src/compose.ts';
import { documentView } from '../src/engine/documents/document-view.ts';
import { matches } from '../src/engine/query/evaluate.ts';
import { parseFilter } from '../src/engine/query/parse.ts';
import type { FilterNode } from '../src/engine/query/types.ts';
import type { StoredDocument } from '../src/engine/documents/types.ts';
import { systemScope, withNamespace } from '../src/engine/scope/request-scope.ts';
import type { Organization } from '../src/engine/accounts/types.ts';
import { PgvectorSearchIndex } from '../src/adapters/search/pgvector/pgvector-search-index.ts';
import { indexDocument, random } from '../test/helpers/search-indexes.ts';

const URL_ = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env.BENCH_N ?? 100_000);
const DIMS = Number(process.env.BENCH_DIMS ?? 384);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const CLUSTERS = 100;
const EMB = 'text_extractor_v1_embedding';
const reuse = process.env.BENCH_SCHEMA;
const schema = reuse ?? `bench_pgvector_${Date.now()}`;
const log = { info: (o: object, m: string) => console.log(`  [info] ${m}`, JSON.stringify(o)), warn: (o: object, m: string) => console.log(`  [warn] ${m}`, o), error: () => {} };

const next = random(42);
function gaussian(): number {
  const u = 1 - next();
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
const centres = Array.from({ length: CLUSTERS }, () => Float32Array.from({ length: DIMS }, gaussian));
function point(cluster: number, spread = 0.6): Float32Array {
  const c = centres[cluster]!;
  return Float32Array.from({ length: DIMS }, (_, i) => c[i]! + spread * gaussian());
}

const vectors: Float32Array[] = [];
const norms: number[] = [];
for (let i = 0; i < N; i++) {
  const v = point(i % CLUSTERS);
  vectors.push(v);
  norms.push(Math.hypot(...v));
}

function exactTopK(query: Float32Array, k: number, accept: (i: number) => boolean): string[] {
  const qn = Math.hypot(...query);
  const scored: { i: number; s: number }[] = [];
  for (let i = 0; i < N; i++) {
    if (!accept(i)) continue;
    const v = vectors[i]!;
    let dot = 0;
    for (let d = 0; d < DIMS; d++) dot += v[d]! * query[d]!;
    scored.push({ i, s: dot / (qn * norms[i]!) });
  }
  scored.sort((a, b) => b.s - a.s);
  return scored.slice(0, k).map((x) => docId(x.i));
}
const docId = (i: number) => `doc_${String(i).padStart(7, '0')}`;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

const config = validateConfig({ databaseUrl: URL_, databaseSchema: schema, dataDir: `/tmp/${schema}`, databaseStatementTimeoutMs: 60_000 });
const store = await openMetadataStore(config);
await store.migrate();
const organization = { internalId: 'org_bench' } as Organization;
const ns = withNamespace(systemScope(organization, 'bench'), { namespaceId: 'ns_bench', namespaceName: 'bench' });
const collection = 'col_bench';
const target = { organizationInternalId: organization.internalId, namespaceId: 'ns_bench', collectionIds: [collection] };

try {
  console.log(`pgvector bench: ${N} × ${DIMS}-d vectors in ${CLUSTERS} clusters, ${QUERIES} queries, schema ${schema}`);
  let t = performance.now();
  const docs: StoredDocument[] = [];
  for (let i = 0; i < N; i++) docs.push(indexDocument(ns, collection, docId(i), { cluster: i % CLUSTERS, bucket: Math.floor(i / CLUSTERS) % 100, body: `document ${i} of cluster ${i % CLUSTERS}` }, { [EMB]: vectors[i]! }));
  if (!reuse) {
    for (let i = 0; i < N; i += 1000) await store.transaction((repos) => repos.documents.upsertMany(ns, docs.slice(i, i + 1000)));
    const writeSeconds = (performance.now() - t) / 1000;
    console.log(`metadata store write: ${writeSeconds.toFixed(1)} s (${Math.round(N / writeSeconds)} docs/s)`);
  }

  const open = (efSearch: number) =>
    PgvectorSearchIndex.open({ databaseUrl: URL_, schema, statementTimeoutMs: 5000, connectTimeoutMs: 5000, poolSize: 4, idleTimeoutMs: 10_000, feed: store.documentFeed, log, ann: { efSearch } });
  const index = await open(100);
  t = performance.now();
  await index.catchUp('ns_bench');
  const catchUpSeconds = (performance.now() - t) / 1000;
  console.log(`catch-up (first scan of the namespace, ANALYZE included): ${catchUpSeconds.toFixed(1)} s (${Math.round(N / catchUpSeconds)} docs/s)`);
  t = performance.now();
  await index.idle();
  const buildSeconds = (performance.now() - t) / 1000;
  console.log(`HNSW build (m 16, ef_construction 64, CREATE INDEX CONCURRENTLY, maintenance_work_mem 1GB): ${buildSeconds.toFixed(1)} s`);
  const stats = await index.stats('ns_bench');
  console.log(`stats: ${JSON.stringify(stats.vectors)}`);
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  const size = await client.query(`SELECT pg_size_pretty(pg_relation_size('${schema}.search_vectors_hnsw_${DIMS}')) AS hnsw, pg_size_pretty(pg_total_relation_size('${schema}.search_vectors')) AS vectors, pg_size_pretty(pg_total_relation_size('${schema}.search_text')) AS text`);
  await client.end();
  console.log(`sizes: ${JSON.stringify(size.rows[0])}`);

  const queries = Array.from({ length: QUERIES }, (_, i) => point(Math.floor(next() * CLUSTERS), 0.6 + (i % 2) * 0.2));
  const filter: FilterNode = parseFilter({ bucket: 7 })!;
  const accepted = docs.map((d) => matches(filter, documentView(d)));
  const acceptFiltered = (i: number) => accepted[i]!;
  const truth = queries.map((q) => exactTopK(q, 10, () => true));
  const truthFiltered = queries.map((q) => exactTopK(q, 10, acceptFiltered));

  async function measure(label: string, idx: PgvectorSearchIndex, f: FilterNode | null, exact = false) {
    const lat: number[] = [];
    let recall = 0;
    let short = 0;
    for (let i = 0; i < QUERIES; i++) {
      const s = performance.now();
      const hits = await idx.searchVectors({ ...target, vectorName: EMB, vector: queries[i]!, k: 10, filter: f, exact });
      lat.push(performance.now() - s);
      const expected = new Set((f ? truthFiltered : truth)[i]!);
      recall += hits.filter((h) => expected.has(h.documentId)).length / expected.size;
      if (hits.length < 10) short++;
    }
    console.log(`${label.padEnd(44)} p50 ${ms(percentile(lat, 50))}  p99 ${ms(percentile(lat, 99))}  recall@10 ${(recall / QUERIES).toFixed(3)}${short ? `  (${short} with < 10 hits)` : ''}`);
  }
  // Warm-up: the index and table pages into the buffer cache.
  for (let i = 0; i < 20; i++) await index.searchVectors({ ...target, vectorName: EMB, vector: queries[i]!, k: 10, filter: null });
  await measure('HNSW ef_search 100, unfiltered', index, null);
  await measure('HNSW ef_search 100, 1 % filter (bucket = 7)', index, filter);
  for (const ef of [40, 200]) {
    const other = await open(ef);
    await measure(`HNSW ef_search ${ef}, unfiltered`, other, null);
    await measure(`HNSW ef_search ${ef}, 1 % filter`, other, filter);
    await other.close();
  }
  await measure('exact scan, unfiltered', index, null, true);
  await measure('exact scan, 1 % filter', index, filter, true);
  await index.close();
} finally {
  if (process.env.BENCH_KEEP !== '1' && !reuse) {
    const client = new pg.Client({ connectionString: URL_ });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  await store.close();
}

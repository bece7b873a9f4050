// The pgvector search index on clustered vectors (not a test): N 384-d vectors of the data set
// bench/vector-engines.ts measures (bench/vector-data.ts: 100 clusters with their own subspaces,
// like real embeddings, unlike uniform noise, on which every ANN looks bad), written through the
// metadata store, then: catch-up time (the index's first scan of the namespace), HNSW build time,
// p50/p99 of k=10 searches unfiltered and with 1 % and 10 % filters at ef_search 40–400, and
// recall@10 against an exact scan computed here.
//
//   npx tsx bench/search-pgvector.ts            (BENCH_PG_URL, BENCH_N=100000, BENCH_QUERIES=200)
//
// It makes its own schema in the database and drops it at the end (BENCH_KEEP=1 keeps it;
// BENCH_SCHEMA=<kept schema> measures the searches again on it, skipping the load and the build).
import pg from 'pg';
import { validateConfig } from '../src/config.ts';
import { openMetadataStore } from '../src/compose.ts';
import { documentView } from '../src/engine/documents/document-view.ts';
import { matches } from '../src/engine/query/evaluate.ts';
import { parseFilter } from '../src/engine/query/parse.ts';
import type { StoredDocument } from '../src/engine/documents/types.ts';
import { systemScope, withNamespace } from '../src/engine/scope/request-scope.ts';
import type { Organization } from '../src/engine/accounts/types.ts';
import { PgvectorSearchIndex } from '../src/adapters/search/pgvector/pgvector-search-index.ts';
import { indexDocument } from '../test/helpers/search-indexes.ts';
import { ClusteredSource, DEFAULT_SHAPE, DIMENSIONS, exactScan, exactScanSubset, TopK } from './vector-data.ts';

const URL_ = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env.BENCH_N ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const EMB = 'text_extractor_v1_embedding';
const reuse = process.env.BENCH_SCHEMA;
const schema = reuse ?? `bench_pgvector_${Date.now()}`;
const log = { info: (o: object, m: string) => console.log(`  [info] ${m}`, JSON.stringify(o)), warn: (o: object, m: string) => console.log(`  [warn] ${m}`, o), error: () => {} };

// The data set of bench/vector-engines.ts (the ADR's): same shape and seeds, unit vectors.
const CLUSTER_SEED = 42;
const data = new ClusteredSource(DEFAULT_SHAPE, CLUSTER_SEED, 7).matrix(N);
const vectorOf = (i: number) => data.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS);
const queryMatrix = new ClusteredSource(DEFAULT_SHAPE, CLUSTER_SEED, 1234).matrix(QUERIES);
const queries = Array.from({ length: QUERIES }, (_, i) => queryMatrix.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS));

/** Exact top-k ids (the vectors are unit length: the dot product is the cosine). */
function exactTopK(query: Float32Array, k: number, subset: Uint32Array | null): string[] {
  const top = new TopK(k);
  const rows = subset ? exactScanSubset(data, subset, query, top) : exactScan(data, N, query, top);
  return rows.map(docId);
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
  console.log(`pgvector bench: ${N} × ${DIMENSIONS}-d vectors (bench/vector-data.ts, ${JSON.stringify(DEFAULT_SHAPE)}), ${QUERIES} queries, schema ${schema}`);
  let t = performance.now();
  const docs: StoredDocument[] = [];
  // bucket: 0–99 in blocks of 100 ids, so `bucket = 7` is 1 % of the documents and `bucket < 10` is 10 %, both spread over the clusters.
  for (let i = 0; i < N; i++) docs.push(indexDocument(ns, collection, docId(i), { bucket: Math.floor(i / 100) % 100, body: `document ${i}` }, { [EMB]: vectorOf(i) }));
  if (!reuse) {
    for (let i = 0; i < N; i += 1000) await store.transaction((repos) => repos.documents.upsertMany(ns, docs.slice(i, i + 1000)));
    const writeSeconds = (performance.now() - t) / 1000;
    console.log(`metadata store write: ${writeSeconds.toFixed(1)} s (${Math.round(N / writeSeconds)} docs/s)`);
  }

  const open = (efSearch: number) =>
    PgvectorSearchIndex.open({ databaseUrl: URL_, schema, statementTimeoutMs: 5000, connectTimeoutMs: 5000, poolSize: 4, idleTimeoutMs: 10_000, feed: store.documentFeed, log, ann: { efSearch } });
  const index = await open(200);
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
  const size = await client.query(`SELECT pg_size_pretty(pg_relation_size('${schema}.search_vectors_hnsw_${DIMENSIONS}')) AS hnsw, pg_size_pretty(pg_total_relation_size('${schema}.search_vectors')) AS vectors, pg_size_pretty(pg_total_relation_size('${schema}.search_text')) AS text`);
  await client.end();
  console.log(`sizes: ${JSON.stringify(size.rows[0])}`);

  const filters = [
    { label: '1 % filter', filter: parseFilter({ bucket: 7 })! },
    { label: '10 % filter', filter: parseFilter({ field: 'bucket', operator: 'lt', value: 10 })! },
  ].map((f) => {
    const ids = docs.flatMap((d, i) => (matches(f.filter, documentView(d)) ? [i] : []));
    return { ...f, subset: Uint32Array.from(ids), truth: queries.map((q) => exactTopK(q, 10, Uint32Array.from(ids))) };
  });
  const truth = queries.map((q) => exactTopK(q, 10, null));

  async function measure(label: string, idx: PgvectorSearchIndex, f: (typeof filters)[number] | null, exact = false, count = QUERIES) {
    const lat: number[] = [];
    let recall = 0;
    let short = 0;
    for (let i = 0; i < count; i++) {
      const s = performance.now();
      const hits = await idx.searchVectors({ ...target, vectorName: EMB, vector: queries[i]!, k: 10, filter: f?.filter ?? null, exact });
      lat.push(performance.now() - s);
      const expected = new Set((f ? f.truth : truth)[i]!);
      recall += hits.filter((h) => expected.has(h.documentId)).length / expected.size;
      if (hits.length < 10) short++;
    }
    console.log(`${label.padEnd(40)} p50 ${ms(percentile(lat, 50))}  p99 ${ms(percentile(lat, 99))}  recall@10 ${(recall / count).toFixed(3)}${short ? `  (${short} with < 10 hits)` : ''}`);
  }
  // Warm-up: the index and table pages into the buffer cache.
  for (let i = 0; i < 20; i++) await index.searchVectors({ ...target, vectorName: EMB, vector: queries[i]!, k: 10, filter: null });
  for (const ef of [40, 100, 200, 400]) {
    const idx = ef === 200 ? index : await open(ef);
    await measure(`HNSW ef_search ${ef}, unfiltered`, idx, null);
    for (const f of filters) await measure(`HNSW ef_search ${ef}, ${f.label}`, idx, f);
    if (idx !== index) await idx.close();
  }
  const exactQueries = Math.min(QUERIES, 50);
  await measure('exact scan, unfiltered', index, null, true, exactQueries);
  for (const f of filters) await measure(`exact scan, ${f.label}`, index, f, true, exactQueries);
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

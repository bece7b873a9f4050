// A quick measurement of the embedded search index itself (no HTTP): N clustered 384-d documents
// written to a fresh SQLite store, then through the adapter: the load from the database, the
// background HNSW build, search latency (unfiltered, 1 %-selective equality filter, 1 % range
// filter), recall@10 against exact scans, the snapshot write and the reload from it, and RSS.
//
//   npx tsx bench/embedded-index-measure.ts        (MEASURE_N, default 100000; MEASURE_EF, default the setting's)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openMetadataStore } from '../src/compose.ts';
import { validateConfig } from '../src/config.ts';
import { EmbeddedSearchIndex, EMBEDDED_INDEX_DEFAULTS } from '../src/adapters/search/embedded/embedded-search-index.ts';
import type { StoredDocument } from '../src/engine/documents/types.ts';
import type { VectorQuery } from '../src/engine/ports/search-index.ts';
import type { FilterNode } from '../src/engine/query/types.ts';
import { systemScope, withNamespace } from '../src/engine/scope/request-scope.ts';
import { clusteredVectors, vectorAt } from '../test/helpers/clustered-vectors.ts';

const N = Number(process.env.MEASURE_N ?? 100_000);
const D = 384;
const QUERIES = 200;
const VECTOR = 'text_extractor_v1_embedding';
const efSearch = Number(process.env.MEASURE_EF ?? EMBEDDED_INDEX_DEFAULTS.efSearch);

const mb = (): string => `${Math.round(process.memoryUsage().rss / 1e6)} MB`;
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;
function percentiles(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${s[Math.floor(s.length / 2)]!.toFixed(2)} ms, p99 ${s[Math.floor(s.length * 0.99)]!.toFixed(2)} ms`;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-measure-'));
const config = validateConfig({ dataDir: dir, logLevel: 'silent' });
const store = await openMetadataStore(config);
await store.migrate();
try {
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ${os.cpus().length} cores; N=${N}, ${D}-d, efSearch ${efSearch}`);
  // Hard enough to tell efSearch settings apart (at 30k: recall@10 0.84 / 0.94 / 0.99 at 100 / 200 / 400).
  const data = clusteredVectors(N + QUERIES, D, { clusters: 1000, latent: 64, noise: 0.15, seed: 3 });
  const orgId = 'org_measure';
  const namespaceId = 'ns_measure';
  // Documents need only an organization id and a namespace: no account is provisioned.
  const scope = withNamespace(systemScope({ internalId: orgId } as Parameters<typeof systemScope>[0], 'measure'), { namespaceId, namespaceName: 'measure' });
  const collectionId = 'col_measure';

  let started = performance.now();
  const at = new Date().toISOString();
  for (let i = 0; i < N; i += 1000) {
    const docs: StoredDocument[] = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) {
      docs.push({
        documentId: `doc_${String(j).padStart(7, '0')}`,
        organizationInternalId: orgId,
        namespaceId,
        collectionId,
        fields: { category: `c${j % 100}`, n: j, title: `document ${j}` },
        vectors: { [VECTOR]: vectorAt(data, j, D) },
        lineage: { rootObjectId: null, rootBucketId: null, sourceType: 'bucket', sourceObjectId: null, sourceDocumentId: null, sourceCollectionId: null, path: '', chain: [] },
        processingTier: 0,
        sourceBlobs: [],
        internalMetadata: {},
        batchId: null,
        createdAt: at,
        updatedAt: at,
      });
    }
    await store.transaction((repos) => repos.documents.upsertMany(scope, docs));
  }
  console.log(`written to SQLite: ${seconds(started)}`);

  const indexDir = path.join(dir, 'search-index');
  let index = new EmbeddedSearchIndex({ feed: store.documentFeed, directory: indexDir, efSearch, log: { info: () => {}, warn: console.warn, error: console.error } });
  const q = (i: number, over: Partial<VectorQuery> = {}): VectorQuery => ({ organizationInternalId: orgId, namespaceId, collectionIds: [collectionId], vectorName: VECTOR, vector: vectorAt(data, N + i, D), k: 10, filter: null, ...over });
  started = performance.now();
  await index.stats(namespaceId);
  console.log(`load from the database: ${seconds(started)}, RSS ${mb()}`);

  const during: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await index.searchVectors(q(i));
    during.push(performance.now() - t);
  }
  console.log(`search while the graph builds (exact scan): ${percentiles(during)}`);
  started = performance.now();
  await index.flush();
  const stats = await index.stats(namespaceId);
  console.log(`background HNSW build + snapshot: ${seconds(started)} (annIndexed ${stats.vectors[VECTOR]!.annIndexed}), RSS ${mb()}`);

  const measure = async (label: string, filter: FilterNode | null): Promise<void> => {
    const times: number[] = [];
    let recall = 0;
    let short = 0;
    for (let i = 0; i < QUERIES; i++) {
      const t = performance.now();
      const hits = await index.searchVectors(q(i, { filter }));
      times.push(performance.now() - t);
      if (hits.length < 10) short++;
      if (i < 50) {
        const exact = new Set((await index.searchVectors(q(i, { filter, exact: true }))).map((h) => h.documentId));
        recall += hits.filter((h) => exact.has(h.documentId)).length / Math.max(1, exact.size);
      }
    }
    console.log(`${label}: ${percentiles(times)}, recall@10 ${(recall / 50).toFixed(3)}, short answers ${short}`);
  };
  const eq: FilterNode = { kind: 'condition', field: 'category', operator: 'eq', value: 'c42', caseSensitive: false };
  const range: FilterNode = { kind: 'condition', field: 'n', operator: 'lt', value: Math.floor(N / 100), caseSensitive: false };
  await measure('unfiltered', null);
  await measure('1 % filter (category eq)', eq);
  await measure('1 % filter (n lt, a range)', range);
  const exactTimes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await index.searchVectors(q(i, { exact: true }));
    exactTimes.push(performance.now() - t);
  }
  console.log(`exact scan of all ${N}: ${percentiles(exactTimes)}`);

  started = performance.now();
  await index.close();
  console.log(`close: ${seconds(started)}`);
  const files = fs.readdirSync(path.join(indexDir, namespaceId)).map((f) => `${f} ${Math.round(fs.statSync(path.join(indexDir, namespaceId, f)).size / 1e6)} MB`);
  console.log(`files: ${files.join(', ')}`);
  started = performance.now();
  index = new EmbeddedSearchIndex({ feed: store.documentFeed, directory: indexDir, efSearch });
  await index.stats(namespaceId);
  console.log(`reload from the snapshot: ${seconds(started)}, RSS ${mb()}`);
  for (const ef of [100, 200, 400, 600].filter((e) => e !== efSearch)) {
    await index.close();
    index = new EmbeddedSearchIndex({ feed: store.documentFeed, directory: indexDir, efSearch: ef });
    await index.stats(namespaceId);
    await measure(`unfiltered, efSearch ${ef}`, null);
  }
  await index.close();
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

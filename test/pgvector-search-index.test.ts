// The pgvector search index beyond the shared contract (test/search-index-contract.test.ts): what
// it does in PostgreSQL itself: its tables and per-dimension HNSW indexes, processes catching up
// concurrently, the database dropping a connection mid catch-up or holding a lock past the
// statement timeout, and a PostgreSQL without the extension. PostgreSQL only.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { PgvectorUnavailableError } from '../src/adapters/search/pgvector/pgvector-database.ts';
import type { PgvectorSearchIndex } from '../src/adapters/search/pgvector/pgvector-search-index.ts';
import { CATCH_UP_LOCK_CLASS } from '../src/adapters/search/pgvector/catch-up.ts';
import { openSearchIndex } from '../src/compose.ts';
import { validateConfig } from '../src/config.ts';
import type { DocumentFeedRepository } from '../src/engine/documents/document-feed.ts';
import { ServiceUnavailableError } from '../src/engine/errors.ts';
import type { MetadataStore } from '../src/engine/ports/metadata-store.ts';
import { withNamespace, type RequestScope } from '../src/engine/scope/request-scope.ts';
import { sha256Hex } from '../src/lib/secrets.ts';
import { scopeFor } from './helpers/scopes.ts';
import { cosine, indexDocument, openPgvector, quietLog, random, randomVector, writeDocuments } from './helpers/search-indexes.ts';
import { parseFilter } from '../src/engine/query/parse.ts';
import type { SearchHit } from '../src/engine/ports/search-index.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const EMB = 'text_extractor_v1_embedding';
const DATABASE_URL = process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe(`pgvector search index [${BACKEND}]`, { skip: BACKEND !== 'postgres' ? 'PostgreSQL only' : false }, () => {
  let t: TestApp;
  let store: MetadataStore;
  let base: RequestScope;
  let admin: pg.Client;

  before(async () => {
    t = await createTestApp();
    store = t.app.metadataStore;
    const key = await store.apiKeys.findByHash(sha256Hex(t.adminKey));
    base = await scopeFor(store, key!.organizationInternalId);
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
  });
  after(async () => {
    await admin?.end();
    await t?.close();
  });

  const namespace = () => withNamespace(base, { namespaceId: uniqueName('ns'), namespaceName: uniqueName('name') });
  const targetOf = (ns: RequestScope, collectionIds: string[]) => ({ organizationInternalId: ns.organization.internalId, namespaceId: ns.namespace!.namespaceId, collectionIds });
  const schema = () => t.config.databaseSchema;
  const ids = (hits: SearchHit[]) => hits.map((h) => h.documentId);

  test('tables are created once however many processes open together; one valid HNSW index per dimension', async () => {
    const opened = await Promise.all([openPgvector(store, t.config), openPgvector(store, t.config), openPgvector(store, t.config)]);
    const [a] = opened;
    try {
      const ns = namespace();
      const col = uniqueName('col');
      const next = random(7);
      await writeDocuments(store, ns, [
        ...Array.from({ length: 50 }, (_, i) => indexDocument(ns, col, uniqueName(`doc8_${i}`), {}, { [EMB]: randomVector(next, 8) })),
        ...Array.from({ length: 30 }, (_, i) => indexDocument(ns, col, uniqueName(`doc12_${i}`), {}, { other_v1: randomVector(next, 12) })),
      ]);
      await a!.catchUp(ns.namespace!.namespaceId);
      const { rows } = await admin.query(
        `SELECT c.relname, i.indisvalid, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relname LIKE 'search_vectors_hnsw_%' ORDER BY 1`,
        [schema()],
      );
      assert.deepEqual(rows.map((r) => [r.relname, r.indisvalid]), [['search_vectors_hnsw_12', true], ['search_vectors_hnsw_8', true]]);
      assert.match(rows[1].def, /USING hnsw \(\(\(embedding\)::(public\.)?vector\(8\)\) (public\.)?vector_cosine_ops\).*WHERE \(dimensions = 8\)/);
      const stats = await a!.stats(ns.namespace!.namespaceId);
      assert.deepEqual(stats.vectors, { [EMB]: { count: 50, dimensions: 8, annIndexed: 50 }, other_v1: { count: 30, dimensions: 12, annIndexed: 30 } });
      // The planner takes the HNSW index for the search's shape on a large enough table.
      await admin.query('BEGIN');
      await admin.query(`SET LOCAL search_path = ${schema()}`);
      await admin.query('SET LOCAL enable_seqscan = off');
      const plan = await admin.query(`EXPLAIN SELECT document_id FROM search_vectors v WHERE v.dimensions = 8 ORDER BY (v.embedding::public.vector(8)) OPERATOR(public.<=>) '[1,0,0,0,0,0,0,1]'::public.vector(8) LIMIT 5`);
      await admin.query('COMMIT');
      assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan using search_vectors_hnsw_8/);
    } finally {
      await Promise.all(opened.map((i) => i.close()));
    }
  });

  test('processes catching up at the same time apply every change exactly once, in order', async () => {
    const [a, b] = await Promise.all([openPgvector(store, t.config, { pageSize: 37 }), openPgvector(store, t.config, { pageSize: 53 })]);
    try {
      const ns = namespace();
      const col = uniqueName('col');
      const nsId = ns.namespace!.namespaceId;
      const next = random(8);
      let written = 0;
      for (let round = 0; round < 6; round++) {
        const docs = Array.from({ length: 120 }, (_, i) => indexDocument(ns, col, `doc_c_${String(round * 120 + i).padStart(4, '0')}`, { round, n: i }, { [EMB]: randomVector(next, 8) }));
        const writing = writeDocuments(store, ns, docs, 40).then(() => store.documents.deleteMany(ns, col, [`doc_c_${String(round * 120).padStart(4, '0')}`]));
        await Promise.all([writing, a.catchUp(nsId), b.catchUp(nsId), a.catchUp(nsId)]);
        written += 119;
      }
      for (const index of [a, b]) {
        const hits = await index.filterDocuments({ ...targetOf(ns, [col]), filter: null, limit: 10_000 });
        assert.equal(hits.length, written);
        const stats = await index.stats(nsId);
        assert.equal(stats.appliedSeq, await store.documentFeed.latestSeq(nsId));
        assert.equal(stats.vectors[EMB]!.count, written);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('a connection dropped in the middle of a catch-up leaves nothing half-applied: the next search is right', async () => {
    const ns = namespace();
    const col = uniqueName('col');
    const nsId = ns.namespace!.namespaceId;
    let sabotage = false;
    // The feed, as the adapter calls it from inside its catch-up transaction: once, it first has
    // PostgreSQL terminate the adapter's sessions that are in that transaction.
    const feed: DocumentFeedRepository = Object.create(store.documentFeed);
    feed.documentsForIndex = async (namespaceId, ids) => {
      if (sabotage) {
        sabotage = false;
        const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'`, [`tessera-search/${schema()}`]);
        assert.ok(killed.rowCount! >= 1, 'a catch-up session was terminated');
      }
      return store.documentFeed.documentsForIndex(namespaceId, ids);
    };
    const index = await openPgvector(store, t.config, { feed, pageSize: 25 });
    try {
      const next = random(9);
      await writeDocuments(store, ns, [indexDocument(ns, col, 'doc_k_000', {}, { [EMB]: randomVector(next, 8) })]);
      assert.equal((await index.filterDocuments({ ...targetOf(ns, [col]), filter: null, limit: 1000 })).length, 1);
      const docs = Array.from({ length: 100 }, (_, i) => indexDocument(ns, col, `doc_k_${String(i + 1).padStart(3, '0')}`, { n: i }, { [EMB]: randomVector(next, 8) }));
      await writeDocuments(store, ns, docs, 10);
      const appliedBefore = (await admin.query(`SELECT applied_seq FROM ${schema()}.search_index_state WHERE namespace_id = $1`, [nsId])).rows[0].applied_seq;
      sabotage = true;
      await assert.rejects(index.filterDocuments({ ...targetOf(ns, [col]), filter: null, limit: 1000 }), ServiceUnavailableError);
      assert.equal((await admin.query(`SELECT applied_seq FROM ${schema()}.search_index_state WHERE namespace_id = $1`, [nsId])).rows[0].applied_seq, appliedBefore, 'the interrupted page did not commit');
      const hits = await index.filterDocuments({ ...targetOf(ns, [col]), filter: null, limit: 1000 });
      assert.equal(hits.length, 101);
      const nearest = await index.searchVectors({ ...targetOf(ns, [col]), vectorName: EMB, vector: docs[50]!.vectors[EMB]!, k: 1, filter: null });
      assert.equal(nearest[0]!.documentId, 'doc_k_051');
    } finally {
      await index.close();
    }
  });

  test('a catch-up lock held past the statement timeout answers 503, and the next search catches up', async () => {
    // Long enough for the open and the first look on a loaded machine, short enough for the test.
    const index = await openPgvector(store, t.config, { statementTimeoutMs: 2000 });
    const holder = new pg.Client({ connectionString: DATABASE_URL });
    await holder.connect();
    try {
      const ns = namespace();
      const col = uniqueName('col');
      await writeDocuments(store, ns, [indexDocument(ns, col, uniqueName('doc'), {}, { [EMB]: new Float32Array([1, 2]) })]);
      // Another process stuck inside a catch-up of this namespace (its transaction holds the lock).
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CATCH_UP_LOCK_CLASS, ns.namespace!.namespaceId]);
      await assert.rejects(index.filterDocuments({ ...targetOf(ns, [col]), filter: null, limit: 10 }), (err: unknown) => err instanceof ServiceUnavailableError && err.code === 'database_timeout');
      await holder.query('ROLLBACK');
      assert.equal((await index.filterDocuments({ ...targetOf(ns, [col]), filter: null, limit: 10 })).length, 1);
    } finally {
      await holder.end();
      await index.close();
    }
  });

  test('without the extension: a clear error naming the fix; TESSERA_SEARCH_INDEX=auto falls back to the embedded index', async () => {
    // A role that may not create the (untrusted) extension, in a database that does not have it.
    const suffix = randomBytes(4).toString('hex');
    const [database, role] = [`tessera_novector_${suffix}`, `tessera_novector_${suffix}`];
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`CREATE DATABASE ${database} OWNER ${role}`);
    try {
      const url = new URL(DATABASE_URL);
      url.username = role;
      url.pathname = `/${database}`;
      const attempt = openPgvector(store, { ...t.config, databaseUrl: url.toString(), databaseSchema: 'public' });
      await assert.rejects(attempt, (err: unknown) => {
        assert.ok(err instanceof PgvectorUnavailableError, String(err));
        assert.match(err.message, /pgvector/);
        assert.match(err.message, /install-pgvector\.sh/);
        assert.match(err.message, /TESSERA_SEARCH_INDEX=embedded/);
        assert.doesNotMatch(err.message, new RegExp(`postgres://`));
        return true;
      });
      const config = validateConfig({ ...t.config, databaseUrl: url.toString(), databaseSchema: 'public', searchIndex: 'auto' });
      const warnings: string[] = [];
      const auto = await openSearchIndex(config, store, { ...quietLog, warn: (_o: object, m: string) => void warnings.push(m) });
      assert.equal(auto.kind, 'embedded');
      assert.match(warnings.join('\n'), /pgvector is not available/);
      await auto.close();
      await assert.rejects(openSearchIndex({ ...config, searchIndex: 'pgvector' }, store, quietLog), PgvectorUnavailableError);
      const chosen = await openSearchIndex(validateConfig({ ...t.config, searchIndex: 'auto' }), store, quietLog);
      assert.equal(chosen.kind, 'pgvector', 'auto picks pgvector where the extension is installed');
      await chosen.close();
      const embedded = await openSearchIndex(validateConfig({ ...t.config, searchIndex: 'embedded' }), store, quietLog);
      assert.equal(embedded.kind, 'embedded');
      await embedded.close();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  test('documentsChanged catches up in the background; k above ef_search still gets k hits, best first', async () => {
    const index = await openPgvector(store, t.config, { debounceMs: 5 });
    try {
      const ns = namespace();
      const col = uniqueName('col');
      const nsId = ns.namespace!.namespaceId;
      const next = random(11);
      const docs = Array.from({ length: 600 }, (_, i) => indexDocument(ns, col, `doc_w_${String(i).padStart(3, '0')}`, {}, { [EMB]: randomVector(next, 8) }));
      await writeDocuments(store, ns, docs);
      index.documentsChanged(nsId);
      index.documentsChanged(nsId);
      const latest = await store.documentFeed.latestSeq(nsId);
      const applied = async () => (await admin.query(`SELECT applied_seq FROM ${schema()}.search_index_state WHERE namespace_id = $1`, [nsId])).rows[0]?.applied_seq;
      for (let i = 0; i < 200 && (await applied()) !== latest; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(await applied(), latest, 'caught up without a search');
      const query = randomVector(next, 8);
      const hits = await index.searchVectors({ ...targetOf(ns, [col]), vectorName: EMB, vector: query, k: 450, filter: null });
      assert.equal(hits.length, 450);
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
      const exact = await index.searchVectors({ ...targetOf(ns, [col]), vectorName: EMB, vector: query, k: 450, filter: null, exact: true });
      const overlap = hits.filter((h) => exact.some((e) => e.documentId === h.documentId)).length;
      assert.ok(overlap >= 440, `overlap ${overlap}`);
    } finally {
      await index.close();
    }
  });

  test('filters matching few documents are scanned exactly; many, through the HNSW walk (iterative scan), still k hits', async () => {
    const index = await openPgvector(store, t.config, { ann: { exactFilterMaxMatches: 50 } });
    try {
      const ns = namespace();
      const col = uniqueName('col');
      const next = random(12);
      const docs = Array.from({ length: 2000 }, (_, i) => indexDocument(ns, col, `doc_h_${String(i).padStart(4, '0')}`, { bucket: i % 100 }, { [EMB]: randomVector(next, 8) }));
      await writeDocuments(store, ns, docs);
      const tg = targetOf(ns, [col]);
      const brute = (query: Float32Array, accept: (i: number) => boolean, k: number) =>
        docs
          .map((d, i) => ({ id: d.documentId, i, s: cosine(d.vectors[EMB]!, query) }))
          .filter((x) => accept(x.i))
          .sort((a, b) => b.s - a.s)
          .slice(0, k)
          .map((x) => x.id);
      for (let q = 0; q < 5; q++) {
        const query = randomVector(next, 8);
        // 20 matches: exact, whatever the graph says.
        const few = await index.searchVectors({ ...tg, vectorName: EMB, vector: query, k: 10, filter: parseFilter({ bucket: 3 }) });
        assert.deepEqual(ids(few), brute(query, (i) => i % 100 === 3, 10));
        // 400 matches (20 %): the walk; k hits, every one a match, nearly the exact ones.
        const many = await index.searchVectors({ ...tg, vectorName: EMB, vector: query, k: 10, filter: parseFilter({ field: 'bucket', operator: 'lt', value: 20 }) });
        assert.equal(many.length, 10);
        assert.ok(many.every((h) => Number(h.documentId.slice(6)) % 100 < 20));
        const expected = brute(query, (i) => i % 100 < 20, 10);
        assert.ok(many.filter((h) => expected.includes(h.documentId)).length >= 8, 'recall of the walk');
      }
    } finally {
      await index.close();
    }
  });

  test('rows written for one dimension are found only by queries of that dimension; the types stay exact', async () => {
    const index: PgvectorSearchIndex = await openPgvector(store, t.config);
    try {
      const ns = namespace();
      const col = uniqueName('col');
      const v = new Float32Array([0.1, 1e-30, -3.4028234663852886e38, 0.333333343267]);
      await writeDocuments(store, ns, [indexDocument(ns, col, 'doc_exact', {}, { [EMB]: v })]);
      await index.catchUp(ns.namespace!.namespaceId);
      const { rows } = await admin.query(`SELECT embedding::text AS e FROM ${schema()}.search_vectors WHERE document_id = 'doc_exact'`);
      assert.deepEqual(
        (rows[0].e as string).slice(1, -1).split(',').map((x) => Math.fround(Number(x))),
        [...v],
        'float32 components arrive unchanged (binary transfer)',
      );
    } finally {
      await index.close();
    }
  });
});

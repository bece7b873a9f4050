// What every SearchIndex adapter (src/engine/ports/search-index.ts) must do, run against each one
// of test/helpers/search-indexes.ts over a real metadata store: documents are written through the
// store's document repository (and so its change log), then searched through the adapter.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvalidSearchError, type SearchHit, type SearchIndex, type SearchTarget } from '../src/engine/ports/search-index.ts';
import type { MetadataStore } from '../src/engine/ports/metadata-store.ts';
import type { StoredDocument } from '../src/engine/documents/types.ts';
import { documentView } from '../src/engine/documents/document-view.ts';
import { matches } from '../src/engine/query/evaluate.ts';
import { parseFilter } from '../src/engine/query/parse.ts';
import type { FilterNode } from '../src/engine/query/types.ts';
import { withNamespace, type RequestScope, type TenantScope } from '../src/engine/scope/request-scope.ts';
import { sha256Hex } from '../src/lib/secrets.ts';
import { scopeFor } from './helpers/scopes.ts';
import { cosine, indexDocument, random, randomVector, searchIndexFactories, writeDocuments } from './helpers/search-indexes.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const EMB = 'text_extractor_v1_embedding';

for (const factory of searchIndexFactories()) {
  describe(`search index contract: ${factory.name} [${BACKEND}]`, () => {
    let t: TestApp;
    let store: MetadataStore;
    let base: RequestScope;
    let index: SearchIndex;

    before(async () => {
      t = await createTestApp();
      store = t.app.metadataStore;
      const key = await store.apiKeys.findByHash(sha256Hex(t.adminKey));
      base = await scopeFor(store, key!.organizationInternalId);
      index = await factory.open(store, t.config);
    });
    after(async () => {
      await index?.close();
      await t?.close();
    });

    /** A fresh namespace of the admin organization. */
    function namespace(): RequestScope {
      return withNamespace(base, { namespaceId: uniqueName('ns'), namespaceName: uniqueName('name') });
    }
    function target(tenant: TenantScope, collectionIds: string[]): SearchTarget {
      return { organizationInternalId: tenant.organization.internalId, namespaceId: tenant.namespace!.namespaceId, collectionIds };
    }
    const ids = (hits: SearchHit[]) => hits.map((h) => h.documentId);

    /** What a kNN search should return: by cosine similarity, over the documents that match. */
    function bruteForce(docs: readonly StoredDocument[], query: Float32Array, k: number, filter: FilterNode | null = null): { id: string; score: number }[] {
      return docs
        .filter((d) => d.vectors[EMB] && matches(filter, documentView(d)))
        .map((d) => ({ id: d.documentId, score: cosine(d.vectors[EMB]!, query) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
    }

    test('kNN: hits in order of cosine similarity, with its value as the score', async () => {
      const ns = namespace();
      const [colA, colB] = [uniqueName('col'), uniqueName('col')];
      const next = random(1);
      const docs = Array.from({ length: 400 }, (_, i) => indexDocument(ns, i % 2 ? colA : colB, `doc_knn_${i}`, { n: i }, { [EMB]: randomVector(next, 16) }));
      await writeDocuments(store, ns, docs);
      for (let q = 0; q < 5; q++) {
        const query = randomVector(next, 16);
        const expected = bruteForce(docs, query, 10);
        const exact = await index.searchVectors({ ...target(ns, [colA, colB]), vectorName: EMB, vector: query, k: 10, filter: null, exact: true });
        assert.deepEqual(ids(exact), expected.map((e) => e.id));
        exact.forEach((h, i) => assert.ok(Math.abs(h.score - expected[i]!.score) < 1e-5, `score ${h.score} vs ${expected[i]!.score}`));
        const ann = await index.searchVectors({ ...target(ns, [colA, colB]), vectorName: EMB, vector: query, k: 10, filter: null });
        assert.equal(ann.length, 10);
        const recall = ann.filter((h) => expected.some((e) => e.id === h.documentId)).length / 10;
        assert.ok(recall >= 0.9, `recall ${recall}`);
        for (let i = 1; i < ann.length; i++) assert.ok(ann[i - 1]!.score >= ann[i]!.score, 'scores descend');
        for (const h of ann) assert.ok(Math.abs(h.score - cosine(docs.find((d) => d.documentId === h.documentId)!.vectors[EMB]!, query)) < 1e-5);
        assert.ok(ann.every((h) => h.collectionId === (Number(h.documentId.split('_')[2]) % 2 ? colA : colB)), 'each hit names its collection');
      }
      const one = await index.searchVectors({ ...target(ns, [colA]), vectorName: EMB, vector: docs[1]!.vectors[EMB]!, k: 1, filter: null });
      assert.equal(one[0]!.documentId, 'doc_knn_1', 'a stored vector finds itself first');
      assert.ok(Math.abs(one[0]!.score - 1) < 1e-5);
    });

    test('a filtered kNN returns k hits whenever k documents match (a 1 % filter)', async () => {
      const ns = namespace();
      const col = uniqueName('col');
      const next = random(2);
      const docs = Array.from({ length: 3000 }, (_, i) => indexDocument(ns, col, `doc_sel_${String(i).padStart(5, '0')}`, { bucket: i % 100, tag: i % 100 === 7 ? 'rare' : 'common' }, { [EMB]: randomVector(next, 16) }));
      await writeDocuments(store, ns, docs);
      for (const [filterInput, k] of [[{ bucket: 7 }, 10], [{ tag: 'rare' }, 30], [{ bucket: 42 }, 25], [{ bucket: 42 }, 100]] as const) {
        const filter = parseFilter(filterInput);
        const query = randomVector(next, 16);
        const hits = await index.searchVectors({ ...target(ns, [col]), vectorName: EMB, vector: query, k, filter });
        const expected = bruteForce(docs, query, k, filter);
        assert.equal(hits.length, Math.min(k, 30), `${JSON.stringify(filterInput)} k=${k}`);
        assert.ok(hits.every((h) => matches(filter, documentView(docs.find((d) => d.documentId === h.documentId)!))), 'every hit matches');
        const recall = hits.filter((h) => expected.some((e) => e.id === h.documentId)).length / expected.length;
        assert.ok(recall >= 0.9, `recall ${recall} for ${JSON.stringify(filterInput)}`);
      }
      // No document matches: nothing, not an error.
      assert.deepEqual(await index.searchVectors({ ...target(ns, [col]), vectorName: EMB, vector: randomVector(next, 16), k: 5, filter: parseFilter({ bucket: 1000 }) }), []);
    });

    test('every filter operator family means what matches() means, on vectors, text and filter-only searches', async () => {
      const ns = namespace();
      const col = uniqueName('col');
      const next = random(3);
      const fieldsOf = (i: number): Record<string, unknown> => {
        const f: Record<string, unknown> = { n: i, title: i % 3 === 0 ? `Alpha report ${i}` : `beta note ${i}`, meta: { level: i % 4, label: i % 2 ? 'Odd' : 'even' } };
        if (i % 5 === 0) f.flag = i % 10 === 0;
        if (i % 7 === 0) f.maybe = null;
        if (i % 6 === 0) f.mixed = String(i);
        else if (i % 6 === 1) f.mixed = i;
        return f;
      };
      const docs = Array.from({ length: 60 }, (_, i) => indexDocument(ns, col, `doc_f_${String(i).padStart(2, '0')}`, fieldsOf(i), { [EMB]: randomVector(next, 8) }, `2025-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00.000Z`));
      await writeDocuments(store, ns, docs);
      const filters: unknown[] = [
        { n: 5 },
        { field: 'n', operator: 'ne', value: 5 },
        { field: 'n', operator: 'gt', value: 50 },
        { field: 'n', operator: 'gte', value: 50 },
        { field: 'n', operator: 'lt', value: 3 },
        { field: 'n', operator: 'lte', value: 3 },
        { field: 'title', operator: 'gt', value: 'beta note 5' },
        { field: 'n', operator: 'in', value: [1, 2, 3, '4'] },
        { field: 'n', operator: 'nin', value: [1, 2, 3] },
        { field: 'title', operator: 'contains', value: 'REPORT' },
        { field: 'title', operator: 'contains', value: 'REPORT', case_sensitive: true },
        { field: 'title', operator: 'starts_with', value: 'alpha' },
        { field: 'title', operator: 'ends_with', value: ' 12' },
        { field: 'title', operator: 'regex', value: '^beta note [0-9]$' },
        { field: 'title', operator: 'text', value: 'ALPHA' },
        { field: 'flag', operator: 'exists', value: true },
        { field: 'flag', operator: 'exists', value: false },
        { field: 'flag', operator: 'eq', value: true },
        { field: 'maybe', operator: 'is_null', value: true },
        { field: 'maybe', operator: 'exists', value: true },
        { field: 'mixed', operator: 'eq', value: '6' },
        { field: 'mixed', operator: 'gt', value: 0 },
        { field: 'meta.level', operator: 'eq', value: 2 },
        { field: 'meta.label', operator: 'eq', value: 'odd' },
        { field: 'meta.label', operator: 'eq', value: 'odd', case_sensitive: true },
        { field: 'meta.nothing', operator: 'ne', value: 1 },
        { AND: [{ field: 'n', operator: 'gte', value: 10 }, { field: 'meta.level', operator: 'eq', value: 1 }] },
        { OR: [{ n: 1 }, { n: 2 }, { field: 'title', operator: 'contains', value: 'alpha' }] },
        { NOT: { field: 'title', operator: 'contains', value: 'alpha' } },
        { document_id: 'doc_f_07' },
        { field: 'collection_id', operator: 'eq', value: col },
        { field: '_internal.lineage.root_object_id', operator: 'eq', value: 'obj_doc_f_09' },
        { field: 'root_object_id', operator: 'starts_with', value: 'obj_doc_f_1' },
        { field: 'created_at', operator: 'lt', value: '2025-01-04' },
        { field: 'processing_tier', operator: 'eq', value: 1 },
      ];
      let selective = 0;
      for (const input of filters) {
        const filter = parseFilter(input);
        const expected = docs.filter((d) => matches(filter, documentView(d))).map((d) => d.documentId).sort();
        if (expected.length > 0 && expected.length < docs.length) selective++;
        const only = await index.filterDocuments({ ...target(ns, [col]), filter, limit: 1000 });
        assert.deepEqual(ids(only), expected, `filterDocuments ${JSON.stringify(input)}`);
        assert.ok(only.every((h) => h.score === 0 && h.collectionId === col));
        const knn = await index.searchVectors({ ...target(ns, [col]), vectorName: EMB, vector: randomVector(next, 8), k: 100, filter });
        assert.deepEqual(ids(knn).sort(), expected, `searchVectors ${JSON.stringify(input)}`);
        const text = await index.searchText({ ...target(ns, [col]), text: 'alpha beta', fields: null, k: 100, filter });
        assert.deepEqual(ids(text).sort(), expected, `searchText ${JSON.stringify(input)}`);
      }
      assert.ok(selective >= filters.length - 8, `${selective} of ${filters.length} cases select some documents but not all`);
      const limited = await index.filterDocuments({ ...target(ns, [col]), filter: null, limit: 7 });
      assert.deepEqual(ids(limited), docs.map((d) => d.documentId).sort().slice(0, 7), 'at most limit, in document id order');
    });

    test('only the target collections, organization and namespace are ever searched', async () => {
      const ns = namespace();
      const otherNs = namespace();
      // Another organization's documents under the same namespace id: the organization is checked too.
      const otherOrg: TenantScope = { organization: { ...ns.organization, internalId: uniqueName('org_other') }, namespace: ns.namespace };
      const [colA, colB] = [uniqueName('col'), uniqueName('col')];
      const v = new Float32Array([1, 0, 0, 0]);
      await writeDocuments(store, ns, [indexDocument(ns, colA, uniqueName('doc_a'), { word: 'shared' }, { [EMB]: v }), indexDocument(ns, colB, uniqueName('doc_b'), { word: 'shared' }, { [EMB]: v })]);
      await writeDocuments(store, otherNs, [indexDocument(otherNs, colA, uniqueName('doc_ns'), { word: 'shared' }, { [EMB]: v })]);
      await writeDocuments(store, otherOrg, [indexDocument(otherOrg, colA, uniqueName('doc_org'), { word: 'shared' }, { [EMB]: v })]);
      index.documentsChanged(ns.namespace!.namespaceId);
      const searches = async (tenant: TenantScope, cols: string[]) => {
        const tg = target(tenant, cols);
        return [
          await index.searchVectors({ ...tg, vectorName: EMB, vector: v, k: 10, filter: null }),
          await index.searchText({ ...tg, text: 'shared', fields: null, k: 10, filter: null }),
          await index.filterDocuments({ ...tg, filter: null, limit: 10 }),
        ];
      };
      for (const hits of await searches(ns, [colA])) assert.deepEqual(hits.map((h) => [h.documentId.split('_')[1], h.collectionId]), [['a', colA]]);
      for (const hits of await searches(ns, [colA, colB])) assert.deepEqual(hits.map((h) => h.documentId.split('_')[1]).sort(), ['a', 'b']);
      for (const hits of await searches(otherNs, [colA])) assert.deepEqual(hits.map((h) => h.documentId.split('_')[1]), ['ns']);
      for (const hits of await searches(otherOrg, [colA, colB])) assert.deepEqual(hits.map((h) => h.documentId.split('_')[1]), ['org']);
      for (const hits of await searches(ns, [uniqueName('col')])) assert.deepEqual(hits, []);
    });

    test('updates and deletes are reflected by the next search (upsert, updateFields, deleteMany, deleteMatching, deleteAllInCollection)', async () => {
      const ns = namespace();
      const [col, col2] = [uniqueName('col'), uniqueName('col')];
      const tg = target(ns, [col, col2]);
      const [x, y] = [new Float32Array([1, 0, 0]), new Float32Array([0, 1, 0])];
      const docs = Array.from({ length: 20 }, (_, i) => indexDocument(ns, i < 15 ? col : col2, `doc_u_${String(i).padStart(2, '0')}`, { n: i, color: 'red', body: 'plain words' }, { [EMB]: i === 0 ? x : y }));
      await writeDocuments(store, ns, docs);
      const nearestTo = async (v: Float32Array) => (await index.searchVectors({ ...tg, vectorName: EMB, vector: v, k: 1, filter: null }))[0]?.documentId;
      assert.equal(await nearestTo(x), 'doc_u_00');
      // A document's vector and fields replaced by a new upsert.
      await store.documents.upsertMany(ns, [indexDocument(ns, col, 'doc_u_05', { n: 5, color: 'blue', body: 'zebra' }, { [EMB]: new Float32Array([0.9, 0.1, 0]) }), indexDocument(ns, col, 'doc_u_00', { n: 0, color: 'red' }, { [EMB]: y })]);
      assert.equal(await nearestTo(x), 'doc_u_05');
      assert.deepEqual(ids(await index.filterDocuments({ ...tg, filter: parseFilter({ color: 'blue' }), limit: 10 })), ['doc_u_05']);
      assert.deepEqual(ids(await index.searchText({ ...tg, text: 'zebra', fields: null, k: 10, filter: null })), ['doc_u_05']);
      // updateFields: fields only.
      await store.documents.updateFields(ns, col, [{ documentId: 'doc_u_06', fields: { n: 6, color: 'green', body: 'okapi' } }], new Date().toISOString());
      assert.deepEqual(ids(await index.searchText({ ...tg, text: 'okapi', fields: null, k: 10, filter: null })), ['doc_u_06']);
      // A document that loses its vector is no longer a kNN hit, but still a filter hit.
      await store.documents.upsertMany(ns, [indexDocument(ns, col, 'doc_u_05', { n: 5, color: 'blue' }, {})]);
      assert.notEqual(await nearestTo(x), 'doc_u_05');
      assert.deepEqual(ids(await index.filterDocuments({ ...tg, filter: parseFilter({ color: 'blue' }), limit: 10 })), ['doc_u_05']);
      // deleteMany, deleteMatching, deleteAllInCollection.
      await store.documents.deleteMany(ns, col, ['doc_u_01', 'doc_u_02']);
      await store.documents.deleteMatching(ns, col, parseFilter({ field: 'n', operator: 'gte', value: 10 }));
      const left = ids(await index.filterDocuments({ ...tg, filter: null, limit: 100 }));
      assert.deepEqual(left, ['doc_u_00', 'doc_u_03', 'doc_u_04', 'doc_u_05', 'doc_u_06', 'doc_u_07', 'doc_u_08', 'doc_u_09', 'doc_u_15', 'doc_u_16', 'doc_u_17', 'doc_u_18', 'doc_u_19']);
      assert.equal((await index.searchVectors({ ...tg, vectorName: EMB, vector: y, k: 100, filter: null })).length, 12);
      await store.documents.deleteAllInCollection(ns, col2);
      assert.deepEqual(ids(await index.filterDocuments({ ...tg, filter: null, limit: 100 })), left.slice(0, 8));
      const stats = await index.stats(ns.namespace!.namespaceId);
      assert.equal(stats.documents, 8);
      assert.equal(stats.vectors[EMB]!.count, 7);
      assert.equal(stats.vectors[EMB]!.dimensions, 3);
      assert.ok(stats.appliedSeq > 0);
    });

    test('text search: more of the words, and more often, ranks higher; fields restricts where they are looked for', async () => {
      const ns = namespace();
      const col = uniqueName('col');
      const tg = target(ns, [col]);
      const docs = [
        indexDocument(ns, col, 'doc_t_1', { title: 'Harbour report', body: 'The harbour was calm; the harbour lights were on. Harbour boats slept.' }, {}),
        indexDocument(ns, col, 'doc_t_2', { title: 'Weather', body: 'A calm day at the harbour, with rain later in the evening and wind.' }, {}),
        indexDocument(ns, col, 'doc_t_3', { title: 'Mountains', body: 'Snow on the peaks; no water in sight.' }, {}),
        indexDocument(ns, col, 'doc_t_4', { title: 'Harbour', body: 'Nothing to say.', n: 4 }, {}),
      ];
      await writeDocuments(store, ns, docs);
      const search = (text: string, fields: string[] | null = null, k = 10) => index.searchText({ ...tg, text, fields, k, filter: null });
      const harbour = await search('harbour');
      assert.equal(harbour[0]!.documentId, 'doc_t_1', 'four mentions beat one');
      assert.deepEqual(ids(harbour).sort(), ['doc_t_1', 'doc_t_2', 'doc_t_4']);
      assert.ok(harbour.every((h) => h.score > 0));
      for (let i = 1; i < harbour.length; i++) assert.ok(harbour[i - 1]!.score >= harbour[i]!.score);
      const calmRain = await search('CALM rain wind');
      assert.equal(calmRain[0]!.documentId, 'doc_t_2', 'three of the words beat one');
      assert.deepEqual(ids(calmRain).sort(), ['doc_t_1', 'doc_t_2']);
      assert.deepEqual(ids(await search('harbour', ['title'])).sort(), ['doc_t_1', 'doc_t_4']);
      assert.deepEqual(ids(await search('snow', ['title'])), []);
      assert.deepEqual(ids(await search('snow', ['title', 'body'])), ['doc_t_3']);
      assert.deepEqual(await search('   '), [], 'no words: nothing');
      assert.deepEqual(await search('!!! ...'), [], 'no words: nothing');
      assert.deepEqual(await search('unicorn'), []);
      assert.equal((await search('harbour', null, 1)).length, 1);
    });

    test('a wrong dimension or an unknown vector name is an InvalidSearchError', async () => {
      const ns = namespace();
      const col = uniqueName('col');
      await writeDocuments(store, ns, [indexDocument(ns, col, uniqueName('doc'), {}, { [EMB]: new Float32Array([1, 2, 3, 4]) })]);
      await assert.rejects(index.searchVectors({ ...target(ns, [col]), vectorName: EMB, vector: new Float32Array([1, 2, 3]), k: 5, filter: null }), InvalidSearchError);
      await assert.rejects(index.searchVectors({ ...target(ns, [col]), vectorName: 'no_such_index', vector: new Float32Array([1, 2, 3, 4]), k: 5, filter: null }), InvalidSearchError);
      // Collections with no documents yet: nothing to find, not a mistake.
      assert.deepEqual(await index.searchVectors({ ...target(ns, [uniqueName('empty')]), vectorName: 'no_such_index', vector: new Float32Array([1, 2, 3, 4]), k: 5, filter: null }), []);
    });

    test('rebuild gives the same results', async () => {
      const ns = namespace();
      const col = uniqueName('col');
      const next = random(4);
      const docs = Array.from({ length: 200 }, (_, i) => indexDocument(ns, col, `doc_r_${i}`, { n: i % 10, body: i % 3 ? 'river stone' : 'river' }, { [EMB]: randomVector(next, 12) }));
      await writeDocuments(store, ns, docs);
      await store.documents.deleteMany(ns, col, ['doc_r_3', 'doc_r_4']);
      const query = randomVector(next, 12);
      const tg = target(ns, [col]);
      const run = async () => [
        await index.searchVectors({ ...tg, vectorName: EMB, vector: query, k: 20, filter: parseFilter({ field: 'n', operator: 'lt', value: 5 }), exact: true }),
        await index.searchText({ ...tg, text: 'stone', fields: null, k: 300, filter: null }),
        await index.filterDocuments({ ...tg, filter: parseFilter({ n: 3 }), limit: 100 }),
      ];
      const before = await run();
      assert.equal(before[1]!.length, 132);
      const rebuilt = await index.rebuild(ns.namespace!.namespaceId);
      assert.deepEqual(rebuilt, { namespaces: 1, documents: 198 });
      const afterRebuild = await run();
      assert.deepEqual(afterRebuild.map(ids), before.map(ids));
      afterRebuild[0]!.forEach((h, i) => assert.ok(Math.abs(h.score - before[0]![i]!.score) < 1e-6));
      const everything = await index.rebuild(null);
      assert.ok(everything.namespaces >= 1 && everything.documents >= 198);
      assert.deepEqual((await run()).map(ids), before.map(ids));
    });

    test('two instances on the same database (two processes) both see every write', async () => {
      const second = await factory.open(store, t.config);
      try {
        const ns = namespace();
        const col = uniqueName('col');
        const tg = target(ns, [col]);
        const count = async (i: SearchIndex) => (await i.filterDocuments({ ...tg, filter: null, limit: 1000 })).length;
        await writeDocuments(store, ns, [indexDocument(ns, col, uniqueName('doc'), { body: 'one' }, { [EMB]: new Float32Array([1, 1]) })]);
        assert.deepEqual([await count(index), await count(second)], [1, 1]);
        await writeDocuments(store, ns, [indexDocument(ns, col, uniqueName('doc'), { body: 'two' }, { [EMB]: new Float32Array([1, 2]) })]);
        second.documentsChanged(ns.namespace!.namespaceId);
        assert.deepEqual(await Promise.all([count(index), count(second), count(index), count(second)]), [2, 2, 2, 2]);
        await store.documents.deleteAllInCollection(ns, col);
        assert.deepEqual([await count(second), await count(index)], [0, 0]);
      } finally {
        await second.close();
      }
    });

    test('a backlog larger than one catch-up page is applied whole', async () => {
      const ns = namespace();
      const col = uniqueName('col');
      const next = random(5);
      const docs = Array.from({ length: 2600 }, (_, i) => indexDocument(ns, col, `doc_b_${String(i).padStart(5, '0')}`, { n: i }, { [EMB]: randomVector(next, 8) }));
      // Searched once first, so the rest arrives as change-log entries rather than by a first scan.
      await writeDocuments(store, ns, docs.slice(0, 10));
      assert.equal((await index.filterDocuments({ ...target(ns, [col]), filter: null, limit: 10_000 })).length, 10);
      await writeDocuments(store, ns, docs.slice(10), 200);
      await store.documents.deleteMany(ns, col, ['doc_b_00005', 'doc_b_02500']);
      const all = await index.filterDocuments({ ...target(ns, [col]), filter: null, limit: 10_000 });
      assert.equal(all.length, 2598);
      const stats = await index.stats(ns.namespace!.namespaceId);
      assert.equal(stats.documents, 2598);
      assert.equal(stats.vectors[EMB]!.count, 2598);
      const query = docs[2000]!.vectors[EMB]!;
      assert.equal((await index.searchVectors({ ...target(ns, [col]), vectorName: EMB, vector: query, k: 3, filter: null }))[0]!.documentId, 'doc_b_02000');
    });
  });
}

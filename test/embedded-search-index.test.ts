// The embedded search index on real storage (both backends): documents are written through the
// documents repository (which appends the change log in the same transaction), and the index is
// held to the truth computed here from what was written. Covers the HNSW graph against exact scans,
// fresh documents before and after a build, deletes and updates, filters (k results whenever k
// match), snapshots (reopen, pruned log, deleted directory, corruption, kill -9 mid-write), the
// background catch-up and `tessera reindex`. A low ANN threshold (500) keeps the sets small.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { EmbeddedSearchIndex, type EmbeddedSearchIndexOptions } from '../src/adapters/search/embedded/embedded-search-index.ts';
import { runCli } from '../src/cli/run-cli.ts';
import { ENVIRONMENT_VARIABLES } from '../src/config.ts';
import type { DocumentFeedRepository } from '../src/engine/documents/document-feed.ts';
import type { StoredDocument } from '../src/engine/documents/types.ts';
import type { SearchHit, VectorQuery } from '../src/engine/ports/search-index.ts';
import type { FilterNode } from '../src/engine/query/types.ts';
import { withNamespace, type RequestScope } from '../src/engine/scope/request-scope.ts';
import { sha256Hex } from '../src/lib/secrets.ts';
import { clusteredVectors, vectorAt } from './helpers/clustered-vectors.ts';
import { BUILT, REPO_ROOT } from './helpers/run-node.ts';
import { scopeFor } from './helpers/scopes.ts';
import { storeEnv } from './helpers/server-process.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';
import { indexDocument } from './helpers/search-indexes.ts';

const DIMS = 32;
const N = 1200;
const THRESHOLD = 500;
const VECTOR = 'text_extractor_v1_embedding';

interface Fields {
  category: string;
  flag: boolean;
  n: number;
  title: string;
  metadata: { group: string };
}

function fieldsOf(i: number): Fields {
  return { category: `c${i % 100}`, flag: i % 2 === 0, n: i, title: `document number ${i}`, metadata: { group: `g${i % 10}` } };
}

/** A namespace with two collections and the documents written to it, as the truth to compare with. */
interface Place {
  /** Document ids are unique across namespaces: each place has its own prefix. */
  prefix: string;
  scope: RequestScope;
  namespaceId: string;
  collections: [string, string];
  docs: Map<string, { collectionId: string; vector: Float32Array; fields: Fields }>;
}

const cond = (field: string, operator: 'eq' | 'in' | 'lt' | 'gte' | 'ne', value: unknown): FilterNode => ({ kind: 'condition', field, operator, value, caseSensitive: false }) as FilterNode;

describe(`embedded search index [${BACKEND}]`, () => {
  let t: TestApp;
  let base: RequestScope;
  let otherOrgId: string;
  const indexes: EmbeddedSearchIndex[] = [];
  const dirs: string[] = [];
  const data = clusteredVectors(N + 400, DIMS, { seed: 7 });

  before(async () => {
    t = await createTestApp();
    const key = await t.app.metadataStore.apiKeys.findByHash(sha256Hex(t.adminKey));
    base = await scopeFor(t.app.metadataStore, key!.organizationInternalId);
    otherOrgId = `${key!.organizationInternalId}_other`;
  });
  after(async () => {
    try {
      await Promise.allSettled(indexes.map((index) => index.close()));
    } finally {
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
      await t.close();
    }
  });

  const feed = (): DocumentFeedRepository => t.app.metadataStore.documentFeed;

  function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-index-test-'));
    dirs.push(dir);
    return dir;
  }

  function open(options: Partial<EmbeddedSearchIndexOptions> = {}): EmbeddedSearchIndex {
    const index = new EmbeddedSearchIndex({ feed: feed(), annThreshold: THRESHOLD, refreshIntervalMs: 0, snapshotDelayMs: 60_000, ...options });
    indexes.push(index);
    return index;
  }

  /** A feed that counts full scans (a load from the database) and changes read. */
  function countingFeed(): { feed: DocumentFeedRepository; scans: () => number; changesRead: () => number } {
    const inner = feed();
    let scans = 0;
    let changesRead = 0;
    const wrapped = Object.create(inner) as DocumentFeedRepository;
    wrapped.scanNamespace = (...args) => {
      scans++;
      return inner.scanNamespace(...args);
    };
    wrapped.changesSince = async (...args) => {
      const changes = await inner.changesSince(...args);
      changesRead += changes.length;
      return changes;
    };
    return { feed: wrapped, scans: () => scans, changesRead: () => changesRead };
  }

  function newPlace(): Place {
    const namespaceId = uniqueName('ns');
    return { prefix: uniqueName('doc'), scope: withNamespace(base, { namespaceId, namespaceName: namespaceId }), namespaceId, collections: [uniqueName('col'), uniqueName('col')], docs: new Map() };
  }

  function storedDocument(place: Place, collectionId: string, documentId: string, vector: Float32Array, fields: Fields, organizationInternalId = place.scope.organization.internalId): StoredDocument {
    const tenant = { ...place.scope, organization: { ...place.scope.organization, internalId: organizationInternalId } };
    return indexDocument(tenant, collectionId, documentId, fields as unknown as Record<string, unknown>, { [VECTOR]: vector }, new Date().toISOString());
  }


  /** Writes documents i in [from, to): vector i of the clustered set, collection by parity of i / 3. */
  async function writeRange(place: Place, from: number, to: number): Promise<void> {
    const docs: StoredDocument[] = [];
    for (let i = from; i < to; i++) {
      const collectionId = place.collections[Math.floor(i / 3) % 2]!;
      const documentId = idOf(place, i);
      const vector = vectorAt(data, i, DIMS);
      docs.push(storedDocument(place, collectionId, documentId, vector, fieldsOf(i)));
      place.docs.set(documentId, { collectionId, vector, fields: fieldsOf(i) });
    }
    await upsert(place, docs);
  }

  function idOf(place: Place, i: number): string {
    return `${place.prefix}_${String(i).padStart(5, '0')}`;
  }

  async function upsert(place: Place, docs: StoredDocument[]): Promise<void> {
    for (let i = 0; i < docs.length; i += 500) {
      const chunk = docs.slice(i, i + 500);
      await t.app.metadataStore.transaction((repos) => repos.documents.upsertMany(place.scope, chunk));
    }
  }

  async function remove(place: Place, documentIds: string[]): Promise<void> {
    for (const id of documentIds) {
      const doc = place.docs.get(id)!;
      await t.app.metadataStore.transaction((repos) => repos.documents.deleteMany(place.scope, doc.collectionId, [id]));
      place.docs.delete(id);
    }
  }

  function query(place: Place, vector: Float32Array, over: Partial<VectorQuery> = {}): VectorQuery {
    return { organizationInternalId: place.scope.organization.internalId, namespaceId: place.namespaceId, collectionIds: place.collections, vectorName: VECTOR, vector, k: 10, filter: null, ...over };
  }

  /** The true top k of what was written, by brute force here. */
  function truth(place: Place, vector: Float32Array, k: number, admit: (f: Fields, collectionId: string) => boolean = () => true): string[] {
    const scored: [number, string][] = [];
    for (const [id, d] of place.docs) {
      if (!admit(d.fields, d.collectionId)) continue;
      let dot = 0;
      for (let j = 0; j < DIMS; j++) dot += d.vector[j]! * vector[j]!;
      scored.push([dot, id]);
    }
    return scored.sort((a, b) => b[0] - a[0]).slice(0, k).map(([, id]) => id);
  }

  function recall(found: SearchHit[], expected: string[]): number {
    if (expected.length === 0) return found.length === 0 ? 1 : 0;
    const set = new Set(expected);
    return found.filter((h) => set.has(h.documentId)).length / Math.max(1, expected.length);
  }

  const queryVector = (i: number): Float32Array => vectorAt(data, N + i, DIMS);

  async function builtPlace(options: Partial<EmbeddedSearchIndexOptions> = {}): Promise<{ place: Place; index: EmbeddedSearchIndex }> {
    const place = newPlace();
    await writeRange(place, 0, N);
    const index = open(options);
    await index.searchVectors(query(place, queryVector(0)));
    await index.flush();
    const stats = await index.stats(place.namespaceId);
    assert.equal(stats.vectors[VECTOR]!.annIndexed, N, 'the graph covers every vector once built');
    return { place, index };
  }

  test('the HNSW graph agrees with exact search (recall@10 ≥ 0.95); fresh documents are served before any build', async () => {
    const place = newPlace();
    await writeRange(place, 0, N);
    const index = open();
    // Before (or while) the first build runs, answers are exact.
    const first = await index.searchVectors(query(place, queryVector(0)));
    assert.deepEqual(first.map((h) => h.documentId), truth(place, queryVector(0), 10));
    await index.flush();
    assert.equal((await index.stats(place.namespaceId)).vectors[VECTOR]!.annIndexed, N);
    let total = 0;
    for (let i = 0; i < 60; i++) {
      const q = queryVector(i);
      const ann = await index.searchVectors(query(place, q));
      const exact = await index.searchVectors(query(place, q, { exact: true }));
      assert.equal(ann.length, 10);
      assert.deepEqual(exact.map((h) => h.documentId), truth(place, q, 10), 'the exact path is the truth');
      total += recall(ann, truth(place, q, 10));
      // Shared hits score the same either way (cosine similarity).
      const exactScore = new Map(exact.map((h) => [h.documentId, h.score]));
      for (const h of ann) if (exactScore.has(h.documentId)) assert.ok(Math.abs(h.score - exactScore.get(h.documentId)!) < 1e-4);
    }
    assert.ok(total / 60 >= 0.95, `recall@10 ${total / 60}`);
  });

  test('documents written after the build are found at once (scanned exactly and merged), and so are deletes and updates', async () => {
    const { place, index } = await builtPlace();
    // 60 new documents: 5 % of the graph, below the rebuild share, so they stay fresh.
    await writeRange(place, N, N + 60);
    const stats = await index.stats(place.namespaceId);
    assert.equal(stats.vectors[VECTOR]!.count, N + 60);
    assert.equal(stats.vectors[VECTOR]!.annIndexed, N, 'the new documents are not in the graph');
    for (const i of [N, N + 17, N + 59]) {
      const hits = await index.searchVectors(query(place, vectorAt(data, i, DIMS), { k: 5 }));
      assert.equal(hits[0]!.documentId, idOf(place, i));
      assert.ok(hits[0]!.score > 0.9999);
    }

    // A deleted document (in the graph, and a fresh one) is never returned.
    await remove(place, [idOf(place, 5), idOf(place, N + 3)]);
    for (const i of [5, N + 3]) {
      const hits = await index.searchVectors(query(place, vectorAt(data, i, DIMS), { k: 20 }));
      assert.ok(!hits.some((h) => h.documentId === idOf(place, i)), `doc ${i} is gone`);
      assert.deepEqual(hits.map((h) => h.documentId).sort(), truth(place, vectorAt(data, i, DIMS), 20).sort());
    }

    // An update moves a document: found by its new vector, not by its old one; its new fields filter.
    const moved = place.docs.get(idOf(place, 10))!;
    const target = vectorAt(data, N + 300, DIMS);
    await upsert(place, [storedDocument(place, moved.collectionId, idOf(place, 10), target, { ...fieldsOf(10), category: 'moved' })]);
    place.docs.set(idOf(place, 10), { ...moved, vector: target, fields: { ...fieldsOf(10), category: 'moved' } });
    const byNew = await index.searchVectors(query(place, target, { k: 3 }));
    assert.equal(byNew[0]!.documentId, idOf(place, 10));
    const byOld = await index.searchVectors(query(place, vectorAt(data, 10, DIMS), { k: 3 }));
    assert.notEqual(byOld[0]!.documentId, idOf(place, 10));
    const filtered = await index.searchVectors(query(place, queryVector(3), { filter: cond('category', 'eq', 'MOVED') }));
    assert.deepEqual(filtered.map((h) => h.documentId), [idOf(place, 10)]);
    const text = await index.searchText({ organizationInternalId: place.scope.organization.internalId, namespaceId: place.namespaceId, collectionIds: place.collections, text: 'number 10', fields: ['title'], k: 3, filter: null });
    assert.ok(text.some((h) => h.documentId === idOf(place, 10)));
  });

  test('filtered searches return k hits whenever k documents match: selective, broad, range, OR, by collection, never another tenant', async () => {
    const { place, index } = await builtPlace();
    // Another organization's documents in the same namespace and collection never show.
    const intruder = storedDocument(place, place.collections[0], `${place.prefix}_intruder`, queryVector(1), fieldsOf(7), otherOrgId);
    const otherScope = { ...place.scope, organization: { ...place.scope.organization, internalId: otherOrgId } } as RequestScope;
    await t.app.metadataStore.transaction((repos) => repos.documents.upsertMany(otherScope, [intruder]));

    const cases: { name: string; filter: FilterNode; admit: (f: Fields) => boolean; k: number }[] = [
      { name: 'eq, 1 % selective (12 match)', filter: cond('category', 'eq', 'c7'), admit: (f) => f.category === 'c7', k: 10 },
      { name: 'eq, fewer than k match', filter: cond('category', 'eq', 'c7'), admit: (f) => f.category === 'c7', k: 50 },
      { name: 'eq on a nested field', filter: cond('metadata.group', 'eq', 'g3'), admit: (f) => f.metadata.group === 'g3', k: 10 },
      { name: 'in', filter: cond('category', 'in', ['c1', 'c2']), admit: (f) => f.category === 'c1' || f.category === 'c2', k: 20 },
      { name: 'broad eq (half match)', filter: cond('flag', 'eq', true), admit: (f) => f.flag, k: 10 },
      { name: 'selective range (not indexed)', filter: cond('n', 'lt', 25), admit: (f) => f.n < 25, k: 10 },
      { name: 'broad range', filter: cond('n', 'gte', 100), admit: (f) => f.n >= 100, k: 10 },
      { name: 'ne (not indexable, broad)', filter: cond('category', 'ne', 'c1'), admit: (f) => f.category !== 'c1', k: 10 },
      {
        name: 'AND of an indexed eq and a range',
        filter: { kind: 'and', children: [cond('metadata.group', 'eq', 'g4'), cond('n', 'lt', 600)] },
        admit: (f) => f.metadata.group === 'g4' && f.n < 600,
        k: 10,
      },
      { name: 'OR', filter: { kind: 'or', children: [cond('category', 'eq', 'c3'), cond('n', 'lt', 5)] }, admit: (f) => f.category === 'c3' || f.n < 5, k: 10 },
      { name: 'matches nothing', filter: cond('category', 'eq', 'nope'), admit: () => false, k: 10 },
    ];
    for (const c of cases) {
      for (let i = 0; i < 5; i++) {
        const q = queryVector(i);
        const expected = truth(place, q, c.k, c.admit);
        const hits = await index.searchVectors(query(place, q, { k: c.k, filter: c.filter }));
        assert.equal(hits.length, expected.length, `${c.name}: ${hits.length} hits, ${expected.length} expected`);
        for (const h of hits) assert.ok(c.admit(place.docs.get(h.documentId)!.fields), `${c.name}: ${h.documentId} matches`);
        assert.ok(recall(hits, expected) >= 0.8, `${c.name}: recall ${recall(hits, expected)}`);
      }
    }
    // Selective filters are answered by an exact scan of their candidates: exactly the truth.
    const q = queryVector(9);
    assert.deepEqual((await index.searchVectors(query(place, q, { filter: cond('category', 'eq', 'C42') }))).map((h) => h.documentId), truth(place, q, 10, (f) => f.category === 'c42'));

    // One collection of two: only its documents, k of them.
    const one = await index.searchVectors(query(place, q, { collectionIds: [place.collections[1]], k: 25 }));
    assert.equal(one.length, 25);
    assert.ok(one.every((h) => h.collectionId === place.collections[1]));
    assert.ok(recall(one, truth(place, q, 25, (_f, col) => col === place.collections[1])) >= 0.9);
    // The intruder (another organization) is never admitted, filtered or not.
    const all = await index.searchVectors(query(place, queryVector(1), { k: 50 }));
    assert.ok(!all.some((h) => h.documentId === `${place.prefix}_intruder`));
    const listed = await index.filterDocuments({ organizationInternalId: place.scope.organization.internalId, namespaceId: place.namespaceId, collectionIds: place.collections, filter: cond('category', 'eq', 'c7'), limit: 100 });
    assert.deepEqual(listed.map((h) => h.documentId), [...place.docs.keys()].filter((id) => place.docs.get(id)!.fields.category === 'c7').sort());
  });

  test('a snapshot reopens with identical results, without reading the database; a deleted directory is rebuilt from it', async () => {
    const dir = scratch();
    const { place, index } = await builtPlace({ directory: dir });
    await remove(place, [idOf(place, 1)]);
    await writeRange(place, N, N + 20);
    const filters = [null, cond('category', 'eq', 'c5'), cond('flag', 'eq', false), cond('n', 'lt', 40)];
    const answers = async (ix: EmbeddedSearchIndex): Promise<string[][]> => {
      const out: string[][] = [];
      for (let i = 0; i < 10; i++) for (const filter of filters) out.push((await ix.searchVectors(query(place, queryVector(i), { filter }))).map((h) => `${h.documentId}:${h.score.toFixed(5)}`));
      return out;
    };
    const before = await answers(index);
    const statsBefore = await index.stats(place.namespaceId);
    await index.close();
    assert.ok(fs.existsSync(path.join(dir, place.namespaceId, 'manifest.json')), 'close wrote the snapshot');

    const counting = countingFeed();
    const reopened = open({ directory: dir, feed: counting.feed });
    assert.deepEqual(await answers(reopened), before);
    assert.equal(counting.scans(), 0, 'loaded from the snapshot');
    const statsAfter = await reopened.stats(place.namespaceId);
    assert.deepEqual(statsAfter, statsBefore, 'the graph came back too');
    await reopened.close();

    fs.rmSync(path.join(dir, place.namespaceId), { recursive: true, force: true });
    const rebuilt = countingFeed();
    const fresh = open({ directory: dir, feed: rebuilt.feed });
    await fresh.stats(place.namespaceId);
    await fresh.flush();
    assert.ok(rebuilt.scans() > 0, 'rebuilt from the database');
    assert.equal((await fresh.stats(place.namespaceId)).vectors[VECTOR]!.annIndexed, N + 19);
    // The slot layout (so the graph) differs from the original's: exact answers are identical, graph answers as good.
    const again = await answers(fresh);
    for (let i = 0; i < again.length; i++) {
      const filter = filters[i % filters.length]!;
      if (filter !== null && filter.kind === 'condition' && filter.operator !== 'eq') assert.deepEqual(again[i], before[i]);
      else if (filter !== null && filter.kind === 'condition' && filter.field === 'category') assert.deepEqual(again[i], before[i]);
      else {
        const expected = new Set(before[i]!.map((h) => h.split(':')[0]));
        assert.ok(again[i]!.filter((h) => expected.has(h.split(':')[0]!)).length >= 8);
      }
    }
    assert.ok(fs.existsSync(path.join(dir, place.namespaceId, 'manifest.json')));
  });

  test('a snapshot the change log no longer reaches, or a damaged one, is not used: the namespace is rebuilt from the database', async () => {
    const dir = scratch();
    const { place, index } = await builtPlace({ directory: dir });
    await index.close();
    await writeRange(place, N, N + 10);
    await remove(place, [idOf(place, 2)]);
    // Prune the log past the snapshot (keeping its newest change, as the index's own pruning does).
    await feed().pruneThrough((await feed().latestSeqOverall()) - 1);
    const afterPrune = countingFeed();
    const reopened = open({ directory: dir, feed: afterPrune.feed });
    const q = vectorAt(data, N + 4, DIMS);
    const hits = await reopened.searchVectors(query(place, q, { k: 5 }));
    assert.ok(afterPrune.scans() > 0, 'rebuilt from the database');
    assert.equal(hits[0]!.documentId, idOf(place, N + 4), 'a document written after the snapshot is there');
    assert.equal((await reopened.stats(place.namespaceId)).documents, place.docs.size);
    assert.ok(!(await reopened.filterDocuments({ organizationInternalId: place.scope.organization.internalId, namespaceId: place.namespaceId, collectionIds: place.collections, filter: null, limit: 10_000 })).some((h) => h.documentId === idOf(place, 2)));
    await reopened.close();

    // Damage: one flipped byte in the vectors file.
    const nsDir = path.join(dir, place.namespaceId);
    const manifest = JSON.parse(fs.readFileSync(path.join(nsDir, 'manifest.json'), 'utf8'));
    const spaceFile = path.join(nsDir, manifest.spaces[0].file.name);
    const bytes = fs.readFileSync(spaceFile);
    bytes[100] = bytes[100]! ^ 0xff;
    fs.writeFileSync(spaceFile, bytes);
    const damaged = countingFeed();
    const third = open({ directory: dir, feed: damaged.feed });
    const again = await third.searchVectors(query(place, q, { k: 10, exact: true }));
    assert.ok(damaged.scans() > 0, 'a checksum mismatch rebuilds');
    assert.deepEqual(again.map((h) => h.documentId), truth(place, q, 10));
    await third.close();

    // A manifest of an unknown format likewise.
    const m2 = JSON.parse(fs.readFileSync(path.join(nsDir, 'manifest.json'), 'utf8'));
    fs.writeFileSync(path.join(nsDir, 'manifest.json'), JSON.stringify({ ...m2, format: 99 }));
    const future = countingFeed();
    const fourth = open({ directory: dir, feed: future.feed });
    await fourth.stats(place.namespaceId);
    assert.ok(future.scans() > 0, 'an unknown format rebuilds');
  });

  test('a missing graph file costs only the graph: the snapshot loads, exact scans serve, the graph is built again', async () => {
    const dir = scratch();
    const { place, index } = await builtPlace({ directory: dir });
    await index.close();
    const nsDir = path.join(dir, place.namespaceId);
    const manifest = JSON.parse(fs.readFileSync(path.join(nsDir, 'manifest.json'), 'utf8'));
    fs.rmSync(path.join(nsDir, manifest.spaces[0].ann.name));
    const counting = countingFeed();
    const reopened = open({ directory: dir, feed: counting.feed });
    const q = queryVector(6);
    assert.deepEqual((await reopened.searchVectors(query(place, q))).map((h) => h.documentId), truth(place, q, 10));
    assert.equal(counting.scans(), 0, 'the documents and vectors came from the snapshot');
    await reopened.flush();
    assert.equal((await reopened.stats(place.namespaceId)).vectors[VECTOR]!.annIndexed, N);
    const rewritten = JSON.parse(fs.readFileSync(path.join(nsDir, 'manifest.json'), 'utf8'));
    assert.ok(fs.existsSync(path.join(nsDir, rewritten.spaces[0].ann.name)), 'the new graph is in the snapshot');
  });

  test('the background catch-up applies changes before any search (documentsChanged and the periodic refresh)', async () => {
    const place = newPlace();
    await writeRange(place, 0, 50);
    const counting = countingFeed();
    const index = open({ feed: counting.feed, refreshIntervalMs: 50 });
    await index.stats(place.namespaceId);
    const read = counting.changesRead();
    await writeRange(place, 50, 80);
    const deadline = Date.now() + 10_000;
    while (counting.changesRead() < read + 30) {
      assert.ok(Date.now() < deadline, 'the refresh applied the changes');
      await new Promise((r) => setTimeout(r, 20));
    }
    // documentsChanged alone (no timer) starts a catch-up too.
    const quiet = countingFeed();
    const hinted = open({ feed: quiet.feed });
    await hinted.stats(place.namespaceId);
    const before = quiet.changesRead();
    await writeRange(place, 80, 90);
    hinted.documentsChanged(place.namespaceId);
    const until = Date.now() + 10_000;
    while (quiet.changesRead() < before + 10) {
      assert.ok(Date.now() < until, 'the hint applied the changes');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await hinted.stats(place.namespaceId)).documents, 90);
  });

  test('kill -9 while a snapshot is being written: the next open agrees with the database', { timeout: 180_000 }, async () => {
    for (const stopAfterFiles of [1, 2]) {
      const dir = scratch();
      const { place, index } = await builtPlace({ directory: dir });
      await index.close();
      const manifestBefore = fs.readFileSync(path.join(dir, place.namespaceId, 'manifest.json'), 'utf8');
      // Changes the child will catch up on, then try to snapshot.
      await writeRange(place, N, N + 40);
      await remove(place, [idOf(place, 3), idOf(place, 4)]);

      const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', `index-snapshot-child.${BUILT ? 'js' : 'ts'}`);
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) env[k] = v;
      Object.assign(env, storeEnv(t.config), { TESSERA_MIGRATE_ON_START: 'false' });
      const proc = spawn(process.execPath, [...(BUILT ? [] : ['--import', 'tsx']), child, dir, place.namespaceId, String(stopAfterFiles), String(THRESHOLD)], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = once(proc, 'exit');
      let out = '';
      proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
      proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
      try {
        const deadline = Date.now() + 90_000;
        while (!out.includes('writing')) {
          assert.ok(Date.now() < deadline && proc.exitCode === null && proc.signalCode === null, `the child did not start writing (exit ${proc.exitCode}): ${out}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        proc.kill('SIGKILL');
        await exited;
        assert.equal(proc.signalCode, 'SIGKILL');
      } finally {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      }
      assert.equal(fs.readFileSync(path.join(dir, place.namespaceId, 'manifest.json'), 'utf8'), manifestBefore, 'the interrupted snapshot never replaced the manifest');

      const counting = countingFeed();
      const reopened = open({ directory: dir, feed: counting.feed });
      for (let i = 0; i < 8; i++) {
        const q = i < 4 ? queryVector(i) : vectorAt(data, N + i * 5, DIMS);
        const hits = await reopened.searchVectors(query(place, q, { k: 10, exact: true }));
        assert.deepEqual(hits.map((h) => h.documentId), truth(place, q, 10));
      }
      assert.equal(counting.scans(), 0, 'the previous snapshot was used, then caught up');
      const ids = (await reopened.filterDocuments({ organizationInternalId: place.scope.organization.internalId, namespaceId: place.namespaceId, collectionIds: place.collections, filter: null, limit: 10_000 })).map((h) => h.documentId);
      assert.deepEqual(ids, [...place.docs.keys()].sort());
      await reopened.close();
    }
  });

  test('tessera reindex rebuilds the index files from the database, graphs included', async () => {
    const place = newPlace();
    await writeRange(place, 0, 700);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) env[k] = v;
    // The embedded index explicitly: on PostgreSQL `auto` would pick pgvector, which keeps no files.
    Object.assign(env, storeEnv(t.config), { TESSERA_SEARCH_INDEX: 'embedded', TESSERA_INDEX_ANN_THRESHOLD: String(THRESHOLD), LOG_LEVEL: 'warn' });
    let stdout = '';
    let stderr = '';
    const code = await runCli(['reindex', '--namespace', place.namespaceId, '--json'], {
      env,
      stdout: new Writable({ write: (c: Buffer, _e, done) => ((stdout += c.toString()), done()) }),
      stderr: new Writable({ write: (c: Buffer, _e, done) => ((stderr += c.toString()), done()) }),
    });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.index, 'embedded');
    assert.equal(result.namespaces, 1);
    assert.equal(result.documents, 700);
    const directory = path.join(t.config.dataDir, 'search-index');
    const manifest = JSON.parse(fs.readFileSync(path.join(directory, place.namespaceId, 'manifest.json'), 'utf8'));
    assert.ok(manifest.spaces[0].ann, 'the graph is part of the files');

    const counting = countingFeed();
    const index = open({ directory, feed: counting.feed });
    const stats = await index.stats(place.namespaceId);
    assert.equal(counting.scans(), 0, 'the server would load these files');
    assert.equal(stats.vectors[VECTOR]!.annIndexed, 700);
    const q = queryVector(2);
    assert.ok(recall(await index.searchVectors(query(place, q)), truth(place, q, 10)) >= 0.8);

    // Every namespace: at least this one, in text form.
    stdout = '';
    assert.equal(await runCli(['reindex'], { env, stdout: new Writable({ write: (c: Buffer, _e, done) => ((stdout += c.toString()), done()) }), stderr: new Writable({ write: (_c, _e, done) => done() }) }), 0);
    assert.match(stdout, /^Rebuilt the embedded search index: \d+ namespace\(s\), \d+ document\(s\)/);
  });

  test('unloading writes the snapshot the next search loads; an emptied namespace leaves no files; the log is pruned to its retention', async () => {
    const dir = scratch();
    const place = newPlace();
    await writeRange(place, 0, 40);
    const index = open({ directory: dir, logRetention: 10 });
    await index.stats(place.namespaceId);
    await index.unload(place.namespaceId);
    assert.ok(fs.existsSync(path.join(dir, place.namespaceId, 'manifest.json')));
    // Writing the snapshot pruned the log to the newest 10 changes.
    const latest = await feed().latestSeqOverall();
    const oldest = await feed().oldestSeq();
    assert.ok(oldest >= latest - 9 && oldest <= latest, `oldest ${oldest}, latest ${latest}`);

    const counting = countingFeed();
    const again = open({ directory: dir, feed: counting.feed });
    assert.equal((await again.stats(place.namespaceId)).documents, 40);
    assert.equal(counting.scans(), 0, 'loaded from the snapshot unload wrote');

    await remove(place, [...place.docs.keys()]);
    assert.equal((await again.stats(place.namespaceId)).documents, 0);
    await again.unload(place.namespaceId);
    assert.ok(!fs.existsSync(path.join(dir, place.namespaceId)), 'nothing kept for an empty namespace');
  });

  test('without a directory the index works in memory (graphs built in a scratch directory)', async () => {
    const { place, index } = await builtPlace({ directory: null });
    const q = queryVector(4);
    assert.ok(recall(await index.searchVectors(query(place, q)), truth(place, q, 10)) >= 0.8);
    await index.close();
  });

  test('a query vector of the wrong dimension or an unknown vector name is refused; an empty target finds nothing', async () => {
    const place = newPlace();
    const index = open();
    // Nothing written yet: no mistake can be told from an empty collection.
    assert.deepEqual(await index.searchVectors(query(place, queryVector(0), { vectorName: 'other' })), []);
    await writeRange(place, 0, 10);
    await assert.rejects(index.searchVectors(query(place, new Float32Array(DIMS + 1))), { name: 'InvalidSearchError' });
    await assert.rejects(index.searchVectors(query(place, queryVector(0), { vectorName: 'other' })), { name: 'InvalidSearchError', message: /No vector named 'other'/ });
  });
});

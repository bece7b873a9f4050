// The embedded SearchIndex (src/engine/ports/search-index.ts): each namespace in memory, loaded on
// first use from its snapshot in the data directory (or, failing that, from the metadata database),
// kept current by applying the documents' change log before every search and every second in the
// background, and written back to disk once changes settle.
//
// A vector name with at least `annThreshold` vectors gets an HNSW graph, built on a worker thread
// from a pinned view of its vectors; documents written since the build are scanned exactly and
// merged in, and the graph is rebuilt once they (or deletions) are a large enough share. Searches
// never wait for a build. The metadata database stays the canonical copy: every file here can be
// deleted, and is rebuilt from it (`tessera reindex`).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DocumentFeedRepository } from '../../../engine/documents/document-feed.ts';
import { InvalidSearchError, type FilterQuery, type IndexStats, type SearchHit, type SearchIndex, type TextQuery, type VectorQuery } from '../../../engine/ports/search-index.ts';
import { matches } from '../../../engine/query/index.ts';
import { AnnBuilder, BuildStoppedError } from './ann-builder.ts';
import { AnnIndex } from './ann-index.ts';
import { NamespaceGate } from './namespace-gate.ts';
import type { NamespaceIndex } from './namespace-index.ts';
import { applyChanges, loadFromDatabase, loadFromSnapshot } from './namespace-loader.ts';
import { describeFile, dropManifest, readSnapshot, removeUnreferenced, spaceKey, writeSnapshot, type SnapshotCapture, type SnapshotHooks } from './snapshot.ts';
import { exactBudget, searchSpace } from './vector-search.ts';
import type { VectorSpace } from './vector-space.ts';

export const EMBEDDED_INDEX_DEFAULTS = {
  /** Below this many vectors a name is scanned exactly (~5 ms for 10k 384-d on one core). */
  annThreshold: 10_000,
  /**
   * HNSW search breadth. Measured on clustered 384-d sets (M 16, efConstruction 100): 200 gave
   * recall@10 0.94 on the harder one, 400 gave 0.99 there at ~2.5 ms a search for 100k.
   */
  efSearch: 400,
  /** Changes kept in the log for processes catching up; older ones are pruned (0: never prune). */
  logRetention: 1_000_000,
  refreshIntervalMs: 1000,
  /** A snapshot is written once no change has arrived for this long … */
  snapshotDelayMs: 5000,
};
/** … or, under a steady stream of changes, at least this often. */
const MAX_SNAPSHOT_INTERVAL_MS = 5 * 60_000;
/** A namespace no search has used for this long is written to disk and dropped from memory. */
const IDLE_UNLOAD_MS = 30 * 60_000;
/** How often the log's oldest position is compared with a namespace's (pruning detection). */
const PRUNE_CHECK_MS = 1000;
const PRUNE_INTERVAL_MS = 60_000;
/** A graph is rebuilt when fresh + deleted documents reach this share of what it covers. */
const REBUILD_SHARE = 0.1;
/** A failed build is not retried sooner than this. */
const BUILD_RETRY_MS = 60_000;

export interface SearchIndexLog {
  info(obj: object, message: string): void;
  warn(obj: object, message: string): void;
  error(obj: object, message: string): void;
}

export interface EmbeddedSearchIndexOptions {
  feed: DocumentFeedRepository;
  /** Where snapshots live (<dataDir>/search-index); null or absent: memory only. */
  directory?: string | null;
  /** TESSERA_INDEX_ANN_THRESHOLD */
  annThreshold?: number;
  /** TESSERA_INDEX_EF_SEARCH */
  efSearch?: number;
  /** TESSERA_INDEX_LOG_RETENTION */
  logRetention?: number;
  /** Background catch-up of loaded namespaces; 0 turns it off (searches still catch up). */
  refreshIntervalMs?: number;
  snapshotDelayMs?: number;
  log?: SearchIndexLog;
  /** Failures of background work (catch-ups, builds, snapshots); default: log.error. */
  onBackgroundError?: (err: unknown) => void;
  /** Crash tests stop a snapshot write half-way through. */
  snapshotHooks?: SnapshotHooks;
}

interface Loaded {
  index: NamespaceIndex;
  /** Changed since the last snapshot. */
  dirty: boolean;
  lastChangeAt: number;
  lastSnapshotAt: number;
  /** When the log's pruning point was last compared with the index. */
  checkedAt: number;
  /** When a search (or stats) last asked for it; background catch-ups do not count. */
  usedAt: number;
  snapshotTimer: NodeJS.Timeout | null;
  snapshotFailures: number;
  writing: Promise<void> | null;
  /** Vector name → the running build (resolves true once installed). */
  builds: Map<string, Promise<boolean>>;
  failedBuildAt: Map<string, number>;
}

export class EmbeddedSearchIndex implements SearchIndex {
  readonly kind = 'embedded';
  private readonly feed: DocumentFeedRepository;
  private readonly directory: string | null;
  private readonly annThreshold: number;
  private readonly efSearch: number;
  private readonly logRetention: number;
  private readonly snapshotDelayMs: number;
  private readonly loaded = new Map<string, Loaded>();
  private readonly gates = new Map<string, NamespaceGate<Loaded>>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly builder = new AnnBuilder();
  /** Names this process's files, so cleanup tells them from another process's. */
  private readonly tag = randomBytes(4).toString('hex');
  private readonly inProgress = new Set<string>();
  private fileCounter = 0;
  private lastPruneAt = 0;
  private temporaryDirectory: string | null = null;
  private readonly refreshTimer: NodeJS.Timeout | null;
  private closed = false;

  constructor(private readonly options: EmbeddedSearchIndexOptions) {
    this.feed = options.feed;
    this.directory = options.directory ?? null;
    this.annThreshold = options.annThreshold ?? EMBEDDED_INDEX_DEFAULTS.annThreshold;
    this.efSearch = options.efSearch ?? EMBEDDED_INDEX_DEFAULTS.efSearch;
    this.logRetention = options.logRetention ?? EMBEDDED_INDEX_DEFAULTS.logRetention;
    this.snapshotDelayMs = options.snapshotDelayMs ?? EMBEDDED_INDEX_DEFAULTS.snapshotDelayMs;
    const every = options.refreshIntervalMs ?? EMBEDDED_INDEX_DEFAULTS.refreshIntervalMs;
    this.refreshTimer = every > 0 ? setInterval(() => this.refreshAll(), every) : null;
    this.refreshTimer?.unref();
  }

  async searchVectors(query: VectorQuery): Promise<SearchHit[]> {
    const ns = (await this.current(query.namespaceId)).index;
    const space = ns.space(query.vectorName, query.vector.length);
    if (space) return searchSpace(ns, space, query);
    // As pgvector answers: a name no searched collection holds is the caller's mistake once the
    // collections hold documents; before that there is simply nothing to find.
    const allowed = ns.allowedOwners(query.organizationInternalId, query.collectionIds);
    for (const entry of ns.entries.values()) {
      if (allowed[entry.owner] === 1) throw new InvalidSearchError(`No vector named '${query.vectorName}' in the searched collections`, { vector_name: query.vectorName, collection_ids: query.collectionIds });
    }
    return [];
  }

  async searchText(query: TextQuery): Promise<SearchHit[]> {
    const ns = (await this.current(query.namespaceId)).index;
    const allowed = ns.allowedOwners(query.organizationInternalId, query.collectionIds);
    const filter = query.filter;
    const accept = (id: string): boolean => ns.admits(allowed, id) && (filter === null || matches(filter, ns.entries.get(id)!.view));
    return ns.text.search(query.text, query.fields, query.k, accept).map((h) => ns.hit(h.documentId, h.score));
  }

  async filterDocuments(query: FilterQuery): Promise<SearchHit[]> {
    const ns = (await this.current(query.namespaceId)).index;
    const allowed = ns.allowedOwners(query.organizationInternalId, query.collectionIds);
    const filter = query.filter;
    const candidates = filter === null ? null : ns.payload.candidates(filter);
    const ids = candidates === null ? ns.idsInOrder() : [...candidates].sort();
    const out: SearchHit[] = [];
    for (const id of ids) {
      if (out.length >= query.limit) break;
      if (ns.admits(allowed, id) && (filter === null || matches(filter, ns.entries.get(id)!.view))) out.push(ns.hit(id, 0));
    }
    return out;
  }

  documentsChanged(namespaceId: string): void {
    if (this.closed || !this.loaded.has(namespaceId)) return;
    this.inBackground(this.current(namespaceId, false));
  }

  async rebuild(namespaceId: string | null): Promise<{ namespaces: number; documents: number }> {
    const ids = namespaceId === null ? await this.everyNamespace() : [namespaceId];
    let documents = 0;
    for (const id of ids) documents += (await this.gate(id).exclusive(() => this.replace(id))).index.entries.size;
    return { namespaces: ids.length, documents };
  }

  /**
   * `tessera reindex`: rebuilds each namespace from the database and waits until its files are
   * complete (graphs built, snapshot written). Namespaces this process had not loaded are unloaded
   * again after, so reindexing many does not hold them all in memory.
   */
  async reindex(namespaceId: string | null, onNamespace?: (done: { namespaceId: string; documents: number }) => void): Promise<{ namespaces: number; documents: number }> {
    const ids = namespaceId === null ? await this.everyNamespace() : [namespaceId];
    let documents = 0;
    for (const id of ids) {
      const wasLoaded = this.loaded.has(id);
      const state = await this.gate(id).exclusive(() => this.replace(id));
      await this.settle(state);
      documents += state.index.entries.size;
      onNamespace?.({ namespaceId: id, documents: state.index.entries.size });
      if (!wasLoaded) await this.unload(id);
    }
    return { namespaces: ids.length, documents };
  }

  /** Waits until every loaded namespace's graphs are built and its snapshot written (tests, reindex). */
  async flush(): Promise<void> {
    for (const state of [...this.loaded.values()]) await this.settle(state);
  }

  /**
   * Writes the namespace's snapshot if it changed, then drops it from memory (the next use loads it
   * again). A namespace left without documents (deleted, emptied) leaves no files either.
   */
  async unload(namespaceId: string): Promise<void> {
    await this.gate(namespaceId).exclusive(async () => {
      const state = this.loaded.get(namespaceId);
      if (!state) return;
      const dir = this.directoryOf(namespaceId);
      if (state.index.entries.size === 0 && dir !== null) {
        this.retire(state);
        while (state.writing) await state.writing;
        await fs.promises.rm(dir, { recursive: true, force: true });
        return;
      }
      if (state.dirty) await this.snapshotNow(state);
      this.retire(state);
    });
  }

  async stats(namespaceId: string): Promise<IndexStats> {
    const ns = (await this.current(namespaceId)).index;
    const vectors: IndexStats['vectors'] = {};
    for (const [name, space] of ns.spaces) vectors[name] = { count: space.size, dimensions: space.dimensions, annIndexed: space.annCurrent };
    return { namespaceId, documents: ns.entries.size, vectors, appliedSeq: ns.appliedSeq };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    for (const state of this.loaded.values()) if (state.snapshotTimer) clearTimeout(state.snapshotTimer);
    await this.builder.close();
    await Promise.allSettled([...this.background]);
    // A clean shutdown leaves snapshots current: the next start only reads them.
    for (const state of this.loaded.values()) {
      if (state.dirty && !state.index.retired) await this.snapshotNow(state);
    }
    if (this.temporaryDirectory) await fs.promises.rm(this.temporaryDirectory, { recursive: true, force: true });
  }

  /** The namespace's index, caught up with every change committed before this call; a search's use keeps it loaded. */
  private async current(namespaceId: string, use = true): Promise<Loaded> {
    const state = await this.gate(namespaceId).catchUp(() => this.catchUp(namespaceId));
    if (use) state.usedAt = Date.now();
    return state;
  }

  private gate(namespaceId: string): NamespaceGate<Loaded> {
    let gate = this.gates.get(namespaceId);
    if (!gate) this.gates.set(namespaceId, (gate = new NamespaceGate()));
    return gate;
  }

  private async catchUp(namespaceId: string): Promise<Loaded> {
    if (this.closed) throw new Error('the search index is closed');
    let state = this.loaded.get(namespaceId);
    if (!state) {
      state = await this.open(namespaceId);
    }
    let verifiedThrough: number | null = null;
    if (Date.now() - state.checkedAt >= PRUNE_CHECK_MS) {
      // The log's newest position first: once the changes after appliedSeq are applied, the index is complete up to it.
      const latest = await this.feed.latestSeqOverall();
      const oldest = await this.feed.oldestSeq();
      if (oldest > state.index.verifiedSeq + 1) {
        this.options.log?.warn({ namespace_id: namespaceId, verified_seq: state.index.verifiedSeq, oldest_seq: oldest }, 'the change log was pruned past this search index; rebuilding it from the database');
        return this.replace(namespaceId);
      }
      verifiedThrough = latest;
      state.checkedAt = Date.now();
    }
    const applied = await applyChanges(this.feed, state.index, verifiedThrough);
    if (applied > 0) this.changed(state);
    this.considerBuilds(state);
    return state;
  }

  /** Loads a namespace: its snapshot when usable, else the database. */
  private async open(namespaceId: string): Promise<Loaded> {
    const dir = this.directoryOf(namespaceId);
    if (dir !== null) {
      try {
        const snapshot = await readSnapshot(dir, namespaceId, (err) => this.options.log?.warn({ namespace_id: namespaceId, err }, 'an ANN graph file of the snapshot is missing or damaged; the graph is rebuilt'));
        if (snapshot) {
          const m = snapshot.manifest;
          const latest = await this.feed.latestSeqOverall();
          const oldest = await this.feed.oldestSeq();
          const reason =
            m.verifiedSeq > latest || m.appliedSeq > latest
              ? 'the database is behind the snapshot (restored from a backup, or another database)'
              : oldest > m.verifiedSeq + 1
                ? 'the change log no longer reaches back to the snapshot'
                : null;
          if (reason === null) {
            const index = await loadFromSnapshot(snapshot, this.efSearch, (err) => this.report(err, 'an ANN graph file of the snapshot failed to load; it is rebuilt'));
            const state = this.track(index, false);
            state.checkedAt = Date.now();
            return state;
          }
          this.options.log?.warn({ namespace_id: namespaceId, reason }, 'search index snapshot not used; rebuilding from the database');
        }
      } catch (err) {
        this.options.log?.warn({ namespace_id: namespaceId, err }, 'search index snapshot unreadable; rebuilding from the database');
      }
    }
    const state = this.track(await loadFromDatabase(this.feed, namespaceId), true);
    state.checkedAt = Date.now();
    return state;
  }

  /** Replaces whatever the process holds for the namespace with a fresh load from the database. */
  private async replace(namespaceId: string): Promise<Loaded> {
    if (this.closed) throw new Error('the search index is closed');
    const previous = this.loaded.get(namespaceId);
    if (previous) this.retire(previous);
    const dir = this.directoryOf(namespaceId);
    // Until the new snapshot is written, a restart must not trust the old one.
    if (dir !== null) await dropManifest(dir);
    const state = this.track(await loadFromDatabase(this.feed, namespaceId), true);
    state.checkedAt = Date.now();
    await applyChanges(this.feed, state.index, null);
    this.considerBuilds(state);
    return state;
  }

  private track(index: NamespaceIndex, dirty: boolean): Loaded {
    const state: Loaded = {
      index,
      dirty: false,
      lastChangeAt: 0,
      lastSnapshotAt: Date.now(),
      checkedAt: 0,
      usedAt: Date.now(),
      snapshotTimer: null,
      snapshotFailures: 0,
      writing: null,
      builds: new Map(),
      failedBuildAt: new Map(),
    };
    this.loaded.set(index.namespaceId, state);
    if (dirty) this.changed(state);
    return state;
  }

  private retire(state: Loaded): void {
    state.index.retired = true;
    if (state.snapshotTimer) clearTimeout(state.snapshotTimer);
    state.snapshotTimer = null;
    if (this.loaded.get(state.index.namespaceId) === state) this.loaded.delete(state.index.namespaceId);
  }

  private async everyNamespace(): Promise<string[]> {
    return [...new Set([...(await this.feed.namespacesWithDocuments()), ...this.loaded.keys()])].sort();
  }

  private refreshAll(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const [id, state] of this.loaded) {
      if (now - state.usedAt > IDLE_UNLOAD_MS && state.builds.size === 0) this.inBackground(this.unload(id));
      else this.inBackground(this.current(id, false));
    }
    this.inBackground(this.pruneLog());
  }

  // ---- ANN builds ----

  private considerBuilds(state: Loaded): void {
    if (this.closed || state.index.retired) return;
    for (const [name, space] of state.index.spaces) {
      if (state.builds.has(name)) continue;
      if (space.size < this.annThreshold) {
        // Well below the threshold the graph is not worth its memory.
        if (space.ann && space.size < this.annThreshold / 2) {
          space.dropAnn();
          this.changed(state);
        }
        continue;
      }
      if (space.ann && !needsRebuild(space)) continue;
      if (Date.now() - (state.failedBuildAt.get(name) ?? 0) < BUILD_RETRY_MS) continue;
      const build = this.buildSpace(state, name, space);
      state.builds.set(name, build);
      this.inBackground(
        build.finally(() => {
          state.builds.delete(name);
          // Writes during the build may already call for the next one.
          this.considerBuilds(state);
        }),
      );
    }
  }

  private async buildSpace(state: Loaded, name: string, space: VectorSpace): Promise<boolean> {
    const pinned = space.pin();
    const slots = space.occupiedSlots();
    const freed = space.trackFrees();
    const fileName = `ann-${spaceKey(name)}-${this.tag}-${++this.fileCounter}.hnsw`;
    this.inProgress.add(fileName);
    let file: string | null = null;
    const started = Date.now();
    const stale = (): boolean => this.closed || state.index.retired || state.index.spaces.get(name) !== space;
    try {
      const dir = this.directoryOf(state.index.namespaceId) ?? (await this.scratchDirectory());
      await fs.promises.mkdir(dir, { recursive: true });
      file = path.join(dir, fileName);
      await this.builder.build({ data: pinned.data, dimensions: space.dimensions, slots, file, cancelled: stale });
      if (stale()) return false;
      const ref = this.directory ? await describeFile(file) : null;
      const ann = await AnnIndex.load(file, space.dimensions, this.efSearch, ref);
      if (stale()) return false;
      space.installAnn(ann, slots, freed);
      this.options.log?.info(
        { namespace_id: state.index.namespaceId, vector_name: name, vectors: slots.length, fresh: space.fresh.size, seconds: (Date.now() - started) / 1000 },
        'ANN index built',
      );
      // The next snapshot names the new graph.
      this.changed(state);
      if (!this.directory) await fs.promises.rm(file, { force: true });
      return true;
    } catch (err) {
      if (!(err instanceof BuildStoppedError)) {
        state.failedBuildAt.set(name, Date.now());
        this.report(err, `building the ANN index of '${name}' failed; exact scans serve it meanwhile`);
      }
      if (file !== null) await fs.promises.rm(file, { force: true }).catch(() => {});
      return false;
    } finally {
      space.stopTracking(freed);
      pinned.release();
      this.inProgress.delete(fileName);
    }
  }

  /** Builds until none is needed (or one fails), then writes the snapshot. */
  private async settle(state: Loaded): Promise<void> {
    for (;;) {
      this.considerBuilds(state);
      const builds = [...state.builds.values()];
      if (builds.length === 0) break;
      const results = await Promise.all(builds);
      if (results.includes(false)) break;
    }
    if (!state.index.retired && (state.dirty || state.writing) && !(await this.snapshotNow(state))) {
      throw new Error(`writing the search index snapshot of ${state.index.namespaceId} failed (see the log)`);
    }
  }

  // ---- snapshots ----

  private changed(state: Loaded): void {
    state.dirty = true;
    state.lastChangeAt = Date.now();
    this.scheduleSnapshot(state, this.snapshotDelayMs);
  }

  private scheduleSnapshot(state: Loaded, delayMs: number): void {
    if (this.directory === null || this.closed || state.index.retired || state.snapshotTimer) return;
    state.snapshotTimer = setTimeout(() => {
      state.snapshotTimer = null;
      this.snapshotWhenSettled(state);
    }, delayMs);
    state.snapshotTimer.unref();
  }

  private snapshotWhenSettled(state: Loaded): void {
    if (this.closed || state.index.retired || !state.dirty) return;
    const now = Date.now();
    const quietFor = now - state.lastChangeAt;
    if ((quietFor < this.snapshotDelayMs && now - state.lastSnapshotAt < MAX_SNAPSHOT_INTERVAL_MS) || state.writing) {
      this.scheduleSnapshot(state, Math.max(50, this.snapshotDelayMs - quietFor));
      return;
    }
    this.inBackground(this.snapshotNow(state));
  }

  /** Writes the namespace's snapshot now (after any write in progress); false when it failed (reported). */
  private async snapshotNow(state: Loaded): Promise<boolean> {
    if (this.directory === null) return true;
    while (state.writing) await state.writing;
    const write = this.writeSnapshotOf(state);
    state.writing = write.then(() => {});
    try {
      return await write;
    } finally {
      state.writing = null;
    }
  }

  private async writeSnapshotOf(state: Loaded): Promise<boolean> {
    const ns = state.index;
    const dir = this.directoryOf(ns.namespaceId);
    if (dir === null || ns.retired) return true;
    // Taken at once, between two applied pages: entries are immutable and pinned slots keep their vectors.
    const capture: SnapshotCapture = {
      namespaceId: ns.namespaceId,
      appliedSeq: ns.appliedSeq,
      verifiedSeq: ns.verifiedSeq,
      entries: [...ns.entries.values()],
      spaces: [...ns.spaces].map(([name, space]) => ({ name, dimensions: space.dimensions, pinned: space.pin(), ann: space.ann?.ref ?? null })),
    };
    state.dirty = false;
    try {
      await writeSnapshot(dir, `${this.tag}-${++this.fileCounter}`, capture, this.options.snapshotHooks);
      state.lastSnapshotAt = Date.now();
      state.snapshotFailures = 0;
      // Graphs in use stay even when no manifest names them yet (installed while this snapshot was written).
      const inUse = [...ns.spaces.values()].flatMap((space) => (space.ann?.ref ? [space.ann.ref.name] : []));
      await removeUnreferenced(dir, this.tag, new Set([...this.inProgress, ...inUse]));
    } catch (err) {
      state.dirty = true;
      state.snapshotFailures++;
      this.report(err, 'writing the search index snapshot failed (the index keeps serving from memory); retrying later');
      this.scheduleSnapshot(state, Math.min(10 * 60_000, this.snapshotDelayMs * 2 ** state.snapshotFailures));
      return false;
    } finally {
      for (const s of capture.spaces) s.pinned.release();
    }
    await this.pruneLog().catch((err) => this.report(err, 'pruning the documents change log failed'));
    return true;
  }

  /**
   * Removes changes older than the retention from the log. Other processes (another host's
   * index, one restarting from an older snapshot) may still need them: one whose snapshot falls
   * behind the pruned point rebuilds from the database instead of catching up.
   */
  private async pruneLog(): Promise<void> {
    if (this.logRetention <= 0 || Date.now() - this.lastPruneAt < PRUNE_INTERVAL_MS) return;
    this.lastPruneAt = Date.now();
    const through = (await this.feed.latestSeqOverall()) - this.logRetention;
    if (through <= 0) return;
    const removed = await this.feed.pruneThrough(through);
    if (removed > 0) this.options.log?.info({ through_seq: through, removed }, 'pruned the documents change log');
  }

  // ---- helpers ----

  private directoryOf(namespaceId: string): string | null {
    if (this.directory === null) return null;
    // Namespace ids are generated (ns_…); anything else is encoded rather than trusted as a path.
    const safe = /^[A-Za-z0-9_-]{1,200}$/.test(namespaceId) ? namespaceId : `x-${Buffer.from(namespaceId).toString('hex').slice(0, 200)}`;
    return path.join(this.directory, safe);
  }

  private async scratchDirectory(): Promise<string> {
    this.temporaryDirectory ??= await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tessera-ann-'));
    return this.temporaryDirectory;
  }

  private inBackground(work: Promise<unknown>): void {
    const tracked = work.catch((err) => this.report(err, 'background work of the search index failed; the next search retries'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private report(err: unknown, message: string): void {
    if (this.options.onBackgroundError) this.options.onBackgroundError(err);
    else this.options.log?.error({ err }, message);
  }
}

function needsRebuild(space: VectorSpace): boolean {
  const changed = space.fresh.size + space.stale;
  return changed >= REBUILD_SHARE * Math.max(1, space.annCurrent) || space.fresh.size >= exactBudget(space.dimensions);
}

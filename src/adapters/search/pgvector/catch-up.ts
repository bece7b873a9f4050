// Applies the documents' change log (document-feed.ts) to the index, one page per transaction.
//
// Each page runs under a transaction-level advisory lock on the namespace and records the sequence
// number it reached in search_index_state in the same transaction, so API processes and workers
// sharing the database never apply a page twice or out of order, and a process that dies mid-page
// leaves nothing half-applied. A namespace the index has never seen (no state row), or one asked
// to rebuild, is first scanned whole (scanNamespace), also page by page: the cursor is in the state
// row, so any process can carry an interrupted scan on.
//
// Every page sets the rows it touches to the documents' current content (not to what the change
// said), so the order of changes within a page does not matter and replaying a change is harmless:
// the index converges on the committed documents as of the last sequence number applied.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DocumentChange, DocumentFeedRepository } from '../../../engine/documents/document-feed.ts';
import { clearNamespace, deleteDocuments, retainInCollection, writeDocuments } from './index-rows.ts';
import type { SearchIndexStateTable, SearchTables } from './tables.ts';

/** First key of the catch-up lock (the second is the namespace's hash); the writers' lock is 7_310_001. */
export const CATCH_UP_LOCK_CLASS = 7_310_101;

export interface CatchUpProgress {
  appliedSeq: number;
  pages: number;
  /** Documents written or removed. */
  documents: number;
  /** Dimensions of the vectors written. */
  dimensions: Set<number>;
  skippedVectors: number;
}

type State = Pick<SearchIndexStateTable, 'applied_seq' | 'rebuild_until' | 'rebuild_after'>;

export class CatchUp {
  constructor(
    private readonly db: Kysely<SearchTables>,
    private readonly feed: DocumentFeedRepository,
    private readonly vectorSchema: string,
    private readonly pageSize: number,
  ) {}

  /** Brings the namespace up to the end of its log. */
  async run(namespaceId: string): Promise<CatchUpProgress> {
    const progress: CatchUpProgress = { appliedSeq: 0, pages: 0, documents: 0, dimensions: new Set(), skippedVectors: 0 };
    for (;;) {
      const done = await this.db.transaction().execute((trx) => this.page(trx, namespaceId, progress));
      progress.pages++;
      if (done) return progress;
    }
  }

  /** Marks the namespace for a rebuild: its rows go now, the next catch-up scans it anew. */
  async startRebuild(namespaceId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockNamespace(trx, namespaceId);
      await this.beginScan(trx, namespaceId, 0);
    });
  }

  /** One page; true when the log is applied to its end. */
  private async page(trx: Transaction<SearchTables>, namespaceId: string, progress: CatchUpProgress): Promise<boolean> {
    await lockNamespace(trx, namespaceId);
    let state = await readState(trx, namespaceId);
    // Never seen: scan it whole. (The log is pruned only through what every index applied, so a
    // known namespace is never behind its oldest entry; sequence numbers have gaps, so that could
    // not be told from here anyway: after dropping the index's tables by hand, rebuild.)
    if (!state) state = await this.beginScan(trx, namespaceId, 0);
    if (state.rebuild_until !== null) {
      const documents = await this.feed.scanNamespace(namespaceId, state.rebuild_after, this.pageSize);
      this.count(progress, await writeDocuments(trx, namespaceId, this.vectorSchema, documents, true), documents.length);
      if (documents.length === this.pageSize) {
        await trx.updateTable('search_index_state').set({ rebuild_after: documents.at(-1)!.documentId }).where('namespace_id', '=', namespaceId).execute();
        return false;
      }
      await trx.updateTable('search_index_state').set({ applied_seq: state.rebuild_until, rebuild_until: null, rebuild_after: null }).where('namespace_id', '=', namespaceId).execute();
      progress.appliedSeq = state.rebuild_until;
      // The changes logged since the scan began follow on the next page.
      return false;
    }
    const changes = await this.feed.changesSince(namespaceId, state.applied_seq, this.pageSize);
    progress.appliedSeq = state.applied_seq;
    if (changes.length === 0) return true;
    await this.apply(trx, namespaceId, changes, progress);
    const last = changes.at(-1)!.seq;
    await trx.updateTable('search_index_state').set({ applied_seq: last }).where('namespace_id', '=', namespaceId).execute();
    progress.appliedSeq = last;
    return changes.length < this.pageSize;
  }

  private async apply(trx: Transaction<SearchTables>, namespaceId: string, changes: readonly DocumentChange[], progress: CatchUpProgress): Promise<void> {
    const touched = new Set<string>();
    const collections = new Set<string>();
    for (const c of changes) {
      if (c.kind === 'collection') collections.add(c.collectionId);
      else if (c.documentId !== null) touched.add(c.documentId);
    }
    // 'upsert' and 'delete' alike: the document as it is now, or gone.
    const documents = touched.size > 0 ? await this.feed.documentsForIndex(namespaceId, [...touched]) : [];
    const present = new Set(documents.map((d) => d.documentId));
    await deleteDocuments(trx, namespaceId, [...touched].filter((id) => !present.has(id)));
    this.count(progress, await writeDocuments(trx, namespaceId, this.vectorSchema, documents), touched.size);
    for (const collectionId of collections) {
      await retainInCollection(trx, namespaceId, collectionId, await this.feed.documentIdsInCollection(namespaceId, collectionId));
    }
  }

  /** Drops the namespace's rows and records a scan up to the log's current end. */
  private async beginScan(trx: Transaction<SearchTables>, namespaceId: string, appliedSeq: number): Promise<State> {
    const until = await this.feed.latestSeq(namespaceId);
    await clearNamespace(trx, namespaceId);
    const state: State = { applied_seq: appliedSeq, rebuild_until: until, rebuild_after: null };
    await trx
      .insertInto('search_index_state')
      .values({ namespace_id: namespaceId, ...state })
      .onConflict((oc) => oc.column('namespace_id').doUpdateSet(state))
      .execute();
    return state;
  }

  private count(progress: CatchUpProgress, outcome: { dimensions: Set<number>; skippedVectors: number }, documents: number): void {
    progress.documents += documents;
    progress.skippedVectors += outcome.skippedVectors;
    for (const d of outcome.dimensions) progress.dimensions.add(d);
  }
}

export async function lockNamespace(trx: Transaction<SearchTables>, namespaceId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${CATCH_UP_LOCK_CLASS}, hashtext(${namespaceId}))`.execute(trx);
}

export async function readState(db: Kysely<SearchTables>, namespaceId: string): Promise<State | undefined> {
  const row = await db.selectFrom('search_index_state').select(['applied_seq', 'rebuild_until', 'rebuild_after']).where('namespace_id', '=', namespaceId).executeTakeFirst();
  if (!row) return undefined;
  return { applied_seq: Number(row.applied_seq), rebuild_until: row.rebuild_until === null ? null : Number(row.rebuild_until), rebuild_after: row.rebuild_after };
}

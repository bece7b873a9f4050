// The executions history, written behind the executions: records are buffered and written in one
// transaction every few hundred milliseconds (or when the buffer fills), with the trim that keeps
// each retriever's history bounded. A search then costs no write of its own: one transaction per
// flush instead of one per execution (bench/search.ts (c) measures what admission and accounting
// add to a search, and a write per search was most of it).
//
// Reads of the history in this process flush first, so a client that executes and then asks for
// the execution finds it. Another API process sees it after the next flush (FLUSH_MS). A crash
// loses at most the unflushed records (docs/operations.md); credits are accounted separately.
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { TenantScope } from '../scope/request-scope.ts';
import type { RetrieverExecution } from './types.ts';

const FLUSH_MS = 200;
const FLUSH_AT = 200;
/** While the database refuses writes, the buffer keeps at most this many (the oldest are dropped). */
const MAX_BUFFERED = 10_000;

export class ExecutionHistoryWriter {
  private buffer: { tenant: TenantScope; execution: RetrieverExecution }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly store: MetadataStore,
    private readonly historyLimit: number,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  add(tenant: TenantScope, execution: RetrieverExecution): void {
    this.buffer.push({ tenant, execution });
    if (this.buffer.length > MAX_BUFFERED) this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
    if (this.buffer.length >= FLUSH_AT) void this.flush().catch(this.onError);
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush().catch(this.onError);
      }, FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes everything buffered so far (and waits for a flush already running). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => {});
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.write(batch).catch((err) => {
      // Kept for the next flush: a dropped connection loses nothing it does not have to.
      this.buffer = [...batch, ...this.buffer].slice(-MAX_BUFFERED);
      throw err;
    });
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(batch: { tenant: TenantScope; execution: RetrieverExecution }[]): Promise<void> {
    await this.store.transaction(async (repos) => {
      const trims = new Map<string, { tenant: TenantScope; retrieverId: string | null }>();
      // A record whose retriever (or, ad hoc, namespace) was deleted since it ran is not written:
      // the delete removed that history, and a late write must not bring a piece of it back.
      const alive = new Map<string, boolean>();
      for (const { tenant, execution } of batch) {
        const owner = `${execution.namespaceId}\u0000${execution.retrieverId ?? ''}`;
        if (!alive.has(owner)) {
          if (execution.retrieverId !== null) alive.set(owner, (await repos.retrievers.find(tenant, execution.retrieverId)) !== undefined);
          else {
            const namespace = await repos.namespaces.findById(tenant, execution.namespaceId);
            alive.set(owner, namespace !== undefined && namespace.status !== 'DELETING');
          }
        }
        if (!alive.get(owner)) continue;
        await repos.retrieverExecutions.insert(execution);
        // Ad-hoc histories are per namespace, retrievers' per retriever.
        trims.set(`${execution.namespaceId}\u0000${execution.retrieverId ?? ''}`, { tenant, retrieverId: execution.retrieverId });
      }
      for (const { tenant, retrieverId } of trims.values()) await repos.retrieverExecutions.trim(tenant, retrieverId, this.historyLimit);
    });
  }
}

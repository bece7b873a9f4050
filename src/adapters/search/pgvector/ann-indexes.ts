// One HNSW partial expression index per dimension, pgvector's documented way to index vectors of
// mixed dimensions in one column:
//   CREATE INDEX search_vectors_hnsw_384 ON search_vectors
//     USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dimensions = 384
// created the first time a catch-up writes vectors of a dimension. While there are few such rows
// (every new dimension starts so, except after a bulk load) it is built at once, in the catch-up's
// wake, with a plain CREATE INDEX (it blocks the index's writers for that short while). A large
// backlog is built in the background with CREATE INDEX CONCURRENTLY, which blocks nobody and is
// much faster than inserting the rows into an existing graph one by one; searches scan exactly
// until it is valid. Builds are serialised across processes by an advisory lock per dimension.
import { sql, type Kysely } from 'kysely';
import { DDL_LOCK_CLASS } from './pgvector-database.ts';
import type { SearchTables } from './tables.ts';

/** pgvector's HNSW indexes `vector` up to this many dimensions; larger ones are always scanned exactly. */
export const MAX_HNSW_DIMENSIONS = 2000;

export interface AnnIndexOptions {
  /** Up to this many rows of a dimension, its index is built at once (plain CREATE INDEX). */
  syncBuildMaxRows: number;
  /** HNSW graph parameters (pgvector's defaults: m 16, ef_construction 64). */
  m: number;
  efConstruction: number;
  /** maintenance_work_mem of a background build (the graph is built fastest when it fits). */
  buildMemory: string;
}

export interface AnnLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export class AnnIndexes {
  private readonly valid = new Set<number>();
  private readonly building = new Map<number, Promise<void>>();
  /** Backend pids of the sessions running background builds (stop() cancels them). */
  private readonly builders = new Set<number>();

  constructor(
    private readonly db: Kysely<SearchTables>,
    private readonly schema: string,
    private readonly vectorSchema: string,
    private readonly options: AnnIndexOptions,
    private readonly log: AnnLog,
  ) {}

  /** Dimensions whose index is valid (as far as this process knows). */
  indexedDimensions(): ReadonlySet<number> {
    return this.valid;
  }

  /** Reads which indexes exist (another process may have built them). */
  async load(): Promise<void> {
    for (const [dims, isValid] of await this.catalogue()) if (isValid) this.valid.add(dims);
  }

  /** After a catch-up wrote vectors of these dimensions: builds the missing indexes (small at once, large in the background). */
  async ensure(dimensions: Iterable<number>): Promise<void> {
    for (const dims of dimensions) {
      if (this.valid.has(dims) || this.building.has(dims) || dims > MAX_HNSW_DIMENSIONS) continue;
      const existing = (await this.catalogue()).get(dims);
      if (existing === true) {
        this.valid.add(dims);
        continue;
      }
      const rows = await this.rowsUpTo(dims, this.options.syncBuildMaxRows + 1);
      if (rows <= this.options.syncBuildMaxRows && existing === undefined) {
        try {
          await this.buildNow(dims);
          this.valid.add(dims);
        } catch (err) {
          this.log.warn({ err, dimensions: dims }, 'search index: building an HNSW index failed; searches of that dimension scan exactly until a later catch-up builds it');
        }
        continue;
      }
      const build = this.buildInBackground(dims, existing === false)
        .then((built) => void (built && this.valid.add(dims)))
        .catch((err) => this.log.warn({ err, dimensions: dims }, 'search index: building an HNSW index failed; searches of that dimension scan exactly until a later catch-up builds it'))
        .finally(() => this.building.delete(dims));
      this.building.set(dims, build);
    }
  }

  /** Waits for the background builds this process started. */
  async idle(): Promise<void> {
    while (this.building.size > 0) await Promise.all(this.building.values());
  }

  /** Cancels the background builds (an interrupted build leaves an invalid index, replaced by the next one) and waits for them. */
  async stop(): Promise<void> {
    for (const pid of this.builders) await sql`SELECT pg_cancel_backend(${pid})`.execute(this.db).catch(() => {});
    await this.idle();
  }

  private indexName(dims: number): string {
    return `search_vectors_hnsw_${dims}`;
  }

  private createStatement(dims: number, concurrently: boolean) {
    if (!Number.isInteger(dims) || dims < 1 || dims > MAX_HNSW_DIMENSIONS) throw new Error(`no HNSW index for ${dims} dimensions`);
    const vs = this.vectorSchema;
    return sql`CREATE INDEX ${sql.raw(concurrently ? 'CONCURRENTLY ' : '')}IF NOT EXISTS ${sql.raw(this.indexName(dims))} ON search_vectors
      USING hnsw ((embedding::${sql.raw(`${vs}.vector(${dims})`)}) ${sql.raw(`${vs}.vector_cosine_ops`)})
      WITH (m = ${sql.lit(this.options.m)}, ef_construction = ${sql.lit(this.options.efConstruction)})
      WHERE dimensions = ${sql.lit(dims)}`;
  }

  private async buildNow(dims: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${DDL_LOCK_CLASS}, hashtext(${`${this.schema}:hnsw:${dims}`}))`.execute(trx);
      await this.createStatement(dims, false).execute(trx);
    });
  }

  /** CREATE INDEX CONCURRENTLY cannot run in a transaction: one pooled session, its own lock and settings. */
  private async buildInBackground(dims: number, replaceInvalid: boolean): Promise<boolean> {
    const started = performance.now();
    const built = await this.db.connection().execute(async (session) => {
      const key = `${this.schema}:hnsw:${dims}`;
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(session);
      const pid = rows[0]!.pid;
      // Another process building it: leave it to that one (the next ensure() sees the result).
      const locked = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${DDL_LOCK_CLASS}, hashtext(${key})) AS locked`.execute(session);
      if (!locked.rows[0]?.locked) return false;
      this.builders.add(pid);
      try {
        await sql`SET statement_timeout = 0`.execute(session);
        await sql`SELECT set_config('maintenance_work_mem', ${this.options.buildMemory}, false)`.execute(session);
        // A build that failed half-way (connection lost, cancelled) leaves an invalid index behind.
        if (replaceInvalid || (await this.catalogue(session)).get(dims) === false) await sql`DROP INDEX CONCURRENTLY IF EXISTS ${sql.raw(this.indexName(dims))}`.execute(session);
        await this.createStatement(dims, true).execute(session);
      } finally {
        await sql`RESET statement_timeout`.execute(session).catch(() => {});
        await sql`RESET maintenance_work_mem`.execute(session).catch(() => {});
        await sql`SELECT pg_advisory_unlock(${DDL_LOCK_CLASS}, hashtext(${key}))`.execute(session).catch(() => {});
        this.builders.delete(pid);
      }
      return true;
    });
    if (built) this.log.info({ dimensions: dims, seconds: Math.round(performance.now() - started) / 1000 }, 'search index: HNSW index built');
    return built;
  }

  /** Dimension → whether its index is valid, for the indexes present in this schema. */
  private async catalogue(db: Kysely<SearchTables> = this.db): Promise<Map<number, boolean>> {
    const { rows } = await sql<{ name: string; valid: boolean }>`
      SELECT c.relname AS name, i.indisvalid AS valid
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relname LIKE 'search\\_vectors\\_hnsw\\_%'`.execute(db);
    return new Map(rows.map((r) => [Number(r.name.slice('search_vectors_hnsw_'.length)), r.valid]));
  }

  private async rowsUpTo(dims: number, limit: number): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM search_vectors WHERE dimensions = ${dims} LIMIT ${limit}) s`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }
}

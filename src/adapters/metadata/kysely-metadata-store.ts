// MetadataStore over Kysely: the same code serves SQLite and PostgreSQL.
import { setTimeout as delay } from 'node:timers/promises';
import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import type { ChangeListener } from '../../engine/ports/data-changes.ts';
import type { MetadataStore } from '../../engine/ports/metadata-store.ts';
import type { Repositories } from '../../engine/ports/unit-of-work.ts';
import { ChangeCollector, ChangeRecorder } from './change-recorder.ts';
import type { Database } from './database-types.ts';
import { connect, type ConnectOptions } from './connect.ts';
import { isTimeoutFault } from './driver-faults.ts';
import { columnTypes, type Backend } from './migrations/column-types.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { repositoriesFor } from './repository-factories.ts';

/**
 * Takes SQLite's write lock, retrying asynchronously: better-sqlite3's busy_timeout waits
 * synchronously, which would block the event loop of a process holding the lock itself.
 */
async function beginImmediate(conn: Kysely<Database>, busyTimeoutMs: number): Promise<void> {
  await sql`pragma busy_timeout = 0`.execute(conn);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await sql`begin immediate`.execute(conn);
        return;
      } catch (err) {
        if (!isTimeoutFault(err) || attempt > 2000) throw err;
        await delay(25);
      }
    }
  } finally {
    await sql.raw(`pragma busy_timeout = ${busyTimeoutMs}`).execute(conn);
  }
}

// The store is also every repository outside a transaction (store.users, store.ledger, …): the
// members come from the module factories, assigned in the constructor.
export interface KyselyMetadataStore extends Repositories {}

export class KyselyMetadataStore implements MetadataStore {
  private readonly listeners = new Set<ChangeListener>();

  private constructor(
    private readonly db: Kysely<Database>,
    readonly backend: Backend,
    private readonly options: ConnectOptions,
  ) {
    // A write outside a transaction has committed once it has run: report it right away. `db`
    // itself stays without the recorder, so a transaction's writes are reported only on commit.
    Object.assign(
      this,
      repositoriesFor(
        db.withPlugin(
          new ChangeRecorder((attribution) => {
            const changes = new ChangeCollector();
            changes.add(attribution);
            this.emit(changes);
          }),
        ),
      ),
    );
  }

  static async open(options: ConnectOptions): Promise<KyselyMetadataStore> {
    const { db, backend } = await connect(options);
    return new KyselyMetadataStore(db, backend, options);
  }

  async transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    const changes = new ChangeCollector();
    const recorder = new ChangeRecorder((attribution) => changes.add(attribution));
    // A rollback (fn or the commit throws) leaves here before emit: nothing is reported.
    const result = await this.db.transaction().execute((trx) => fn(repositoriesFor(trx.withPlugin(recorder))));
    this.emit(changes);
    return result;
  }

  onCommittedChanges(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(changes: ChangeCollector): void {
    if (changes.isEmpty || this.listeners.size === 0) return;
    const changeSet = changes.toChangeSet();
    for (const listener of this.listeners) listener(changeSet);
  }

  async migrate(): Promise<{ applied: string[] }> {
    const types = columnTypes(this.backend);
    const provider: MigrationProvider = {
      async getMigrations() {
        return Object.fromEntries(
          Object.entries(MIGRATIONS).map(([name, m]) => [
            name,
            { up: (db: Kysely<any>) => m.up(db, types), ...(m.down ? { down: (db: Kysely<any>) => m.down!(db, types) } : {}) },
          ]),
        );
      },
    };
    const run = async (db: Kysely<Database>) => {
      const migrator = new Migrator({
        db,
        provider,
        migrationTableName: 'tessera_migrations',
        migrationLockTableName: 'tessera_migrations_lock',
        // Without a schema Kysely would see another schema's migration table in the same database.
        ...(this.backend === 'postgres' ? { migrationTableSchema: this.options.databaseSchema } : {}),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
    };
    // PostgreSQL: Kysely's migration lock serializes concurrent starters. Migrations (and waiting
    // for another starter's) may take longer than a request's statement timeout, so this one
    // connection runs without it. SQLite: Kysely takes no lock, so hold the database's write lock
    // for the whole run (which also makes it atomic).
    if (this.backend === 'postgres') {
      return this.db.connection().execute(async (conn) => {
        await sql`set statement_timeout = 0`.execute(conn);
        const restore = () => sql`reset statement_timeout`.execute(conn);
        try {
          const result = await run(conn);
          await restore();
          return result;
        } catch (err) {
          // The original failure matters, not a reset on a connection that may be gone.
          await restore().catch(() => {});
          throw err;
        }
      });
    }
    return this.db.connection().execute(async (conn) => {
      await beginImmediate(conn, this.options.statementTimeoutMs);
      try {
        const result = await run(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (err) {
        await sql`rollback`.execute(conn);
        throw err;
      }
    });
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

// MetadataStore over Kysely: the same code serves SQLite and PostgreSQL.
import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import type { AccountRepositories, MetadataStore } from '../../engine/ports/metadata-store.ts';
import type { Database } from './database-types.ts';
import { KyselyApiKeyRepository } from './api-key-repository.ts';
import { connect, type ConnectOptions } from './connect.ts';
import { KyselyMarkerRepository } from './marker-repository.ts';
import { columnTypes, type Backend } from './migrations/column-types.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { KyselyOrganizationRepository } from './organization-repository.ts';
import { KyselyUserRepository } from './user-repository.ts';

function repositoriesFor(db: Kysely<Database>): AccountRepositories {
  return {
    markers: new KyselyMarkerRepository(db),
    organizations: new KyselyOrganizationRepository(db),
    users: new KyselyUserRepository(db),
    apiKeys: new KyselyApiKeyRepository(db),
  };
}

export class KyselyMetadataStore implements MetadataStore {
  readonly markers;
  readonly organizations;
  readonly users;
  readonly apiKeys;

  private constructor(
    private readonly db: Kysely<Database>,
    readonly backend: Backend,
    private readonly schema: string,
  ) {
    const repos = repositoriesFor(db);
    this.markers = repos.markers;
    this.organizations = repos.organizations;
    this.users = repos.users;
    this.apiKeys = repos.apiKeys;
  }

  static async open(options: ConnectOptions): Promise<KyselyMetadataStore> {
    const { db, backend } = await connect(options);
    return new KyselyMetadataStore(db, backend, options.databaseSchema);
  }

  transaction<T>(fn: (repos: AccountRepositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(repositoriesFor(trx)));
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
    const migrator = new Migrator({
      db: this.db,
      provider,
      migrationTableName: 'tessera_migrations',
      migrationLockTableName: 'tessera_migrations_lock',
      // Without a schema Kysely would see another schema's migration table in the same database.
      ...(this.backend === 'postgres' ? { migrationTableSchema: this.schema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

// What Kysely's migrator asks the database (does the schema exist, which tables does it have),
// answered from Tessera's own schema only. Kysely's PostgreSQL introspector scans every schema of
// the database and calls has_schema_privilege() on each, which raises "schema … does not exist"
// when another session drops one mid-scan: where several stores (or test runs) share a database, a
// neighbour's DROP SCHEMA failed this store's start.
import { sql, type DatabaseIntrospector, type DatabaseMetadata, type DatabaseMetadataOptions, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

export class SchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<any>,
    private readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${this.schema}`.execute(this.db);
    return rows;
  }

  /** Tables and views of the store's schema; columns are not needed by the migrator and are left empty. */
  async getTables(_options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; type: string }>`
      select table_name as name, table_type as type from information_schema.tables where table_schema = ${this.schema} order by table_name
    `.execute(this.db);
    return rows.map((r) => ({ name: r.name, isView: r.type === 'VIEW', schema: this.schema, columns: [] }));
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

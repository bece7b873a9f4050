// Wraps a Kysely dialect so that every database call (acquiring a connection, each query, begin,
// commit, rollback) rethrows connection and timeout faults as ServiceUnavailableError. Doing it at
// the driver, below the repositories, covers every query path (repositories, transactions,
// migrations, ping) once, for both backends, without touching a repository.
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, Kysely, QueryCompiler, QueryResult, TransactionSettings } from 'kysely';
import { translateDriverError } from './driver-faults.ts';

export function faultTranslating(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db: Kysely<any>) => dialect.createIntrospector(db),
    createDriver: () => new FaultTranslatingDriver(dialect.createDriver()),
  };
}

async function translating<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw translateDriverError(err);
  }
}

class FaultTranslatingDriver implements Driver {
  /** Our wrapper → the driver's own connection, which its other methods expect back. */
  private readonly inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  /** The driver's connection → our wrapper, so a pooled connection keeps one identity. */
  private readonly outer = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(private readonly driver: Driver) {}

  init(): Promise<void> {
    return translating(() => this.driver.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await translating(() => this.driver.acquireConnection());
    let wrapped = this.outer.get(connection);
    if (!wrapped) {
      wrapped = {
        executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> => translating(() => connection.executeQuery<R>(query)),
        // Not used by Tessera (no cursors); passed through as is.
        streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
      };
      this.outer.set(connection, wrapped);
      this.inner.set(wrapped, connection);
    }
    return wrapped;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return translating(() => this.driver.beginTransaction(this.unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return translating(() => this.driver.commitTransaction(this.unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return translating(() => this.driver.rollbackTransaction(this.unwrap(connection)));
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return translating(() => this.optional('savepoint')(this.unwrap(connection), name, compile));
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return translating(() => this.optional('rollbackToSavepoint')(this.unwrap(connection), name, compile));
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return translating(() => this.optional('releaseSavepoint')(this.unwrap(connection), name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(this.unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.inner.get(connection) ?? connection;
  }

  private optional(method: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint') {
    const fn = this.driver[method];
    if (!fn) throw new Error(`The ${method} method is not supported by this driver`);
    return fn.bind(this.driver);
  }
}

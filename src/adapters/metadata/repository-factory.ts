import type { Kysely } from 'kysely';
import type { Database } from './database-types.ts';

/** A factory per repository of a module's port, over a connection or a transaction. */
export type RepositoryFactories<R> = { [K in keyof R]: (db: Kysely<Database>) => R[K] };

// The metadata store: every module's repositories outside a transaction (each call commits on its
// own), the unit of work, and the store's life cycle.
import type { ChangeListener } from './data-changes.ts';
import type { Repositories, UnitOfWork } from './unit-of-work.ts';

export interface MetadataStore extends Repositories, UnitOfWork {
  readonly backend: 'sqlite' | 'postgres';
  /**
   * Calls the listener, synchronously after each commit and before the writing call returns, with
   * what the commit changed: once per transaction, once per write made outside one. Never for a
   * rollback, nor for writes that change nothing a cache holds. Returns the unsubscribe function.
   */
  onCommittedChanges(listener: ChangeListener): () => void;
  migrate(): Promise<{ applied: string[] }>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by adapters when an insert or update hits a unique constraint (a lost race on a name). */
export class UniqueViolation extends Error {
  constructor(cause: unknown) {
    super('unique constraint violated', { cause });
  }
}

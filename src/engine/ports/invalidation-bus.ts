// Carries committed change sets between API processes (Redis pub/sub in production), so a key
// revoked through one process stops working in every other one at once instead of after the read
// cache's TTL. Delivery is best effort: the TTL stays the backstop for anything lost.
import type { ChangeSet } from './data-changes.ts';

export interface InvalidationHandlers {
  /** Another process committed these changes. */
  changed(changes: ChangeSet): void;
  /**
   * Delivery (re)started after a time in which messages may have been missed (start-up, a lost
   * connection): nothing cached before this moment can be trusted to be current.
   */
  resynced(): void;
}

export interface InvalidationBus {
  /** Starts delivering other processes' change sets to the handlers. */
  start(handlers: InvalidationHandlers): void;
  /**
   * Sends this process's committed changes to the others. Fire and forget: returns at once, never
   * throws, and a slow or absent transport never delays the write that produced them.
   */
  publish(changes: ChangeSet): void;
  close(): Promise<void>;
}

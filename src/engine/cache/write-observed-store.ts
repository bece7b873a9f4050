// A MetadataStore that reports every write after it completes, so read caches can drop what a
// write may have changed. Writes are all transactions plus the repository methods that change rows.
import type { MetadataStore } from '../ports/metadata-store.ts';

// Repository methods that change cached rows. Not here: touchLastUsed (the caller updates its cached
// key itself), request-usage counters and the ledger (not cached; ledger writes happen inside
// transactions anyway).
const WRITES = new Set(['insert', 'update', 'delete', 'addCreditMillis', 'setAccountType', 'debitMillis', 'claimGrant', 'revokeAllForUser']);

function observed<T extends object>(repository: T, onWrite: () => void): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && WRITES.has(property)) {
        return async (...args: unknown[]) => {
          try {
            return await value.apply(target, args);
          } finally {
            onWrite();
          }
        };
      }
      return value.bind(target);
    },
  });
}

export function observeWrites(store: MetadataStore, onWrite: () => void): MetadataStore {
  const organizations = observed(store.organizations, onWrite);
  const users = observed(store.users, onWrite);
  const apiKeys = observed(store.apiKeys, onWrite);
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'organizations') return organizations;
      if (property === 'users') return users;
      if (property === 'apiKeys') return apiKeys;
      if (property === 'transaction') {
        return async <T>(fn: Parameters<MetadataStore['transaction']>[0]) => {
          try {
            return (await target.transaction(fn)) as T;
          } finally {
            onWrite();
          }
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

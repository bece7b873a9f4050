// Keeps the read cache coherent with the store: this process's committed writes drop what they
// changed at once (synchronously, before the writing call returns) and go out on the invalidation
// bus; other processes' change sets drop the same entries here when they arrive. A bus that
// (re)connects may have missed messages, so it empties the cache.
import type { AccountReadCache } from './account-read-cache.ts';
import type { ChangeSet } from '../ports/data-changes.ts';
import type { InvalidationBus } from '../ports/invalidation-bus.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';

export function keepCacheCoherent(store: MetadataStore, cache: AccountReadCache, bus: InvalidationBus | null): void {
  store.onCommittedChanges((changes: ChangeSet) => {
    cache.invalidate(changes);
    bus?.publish(changes);
  });
  bus?.start({
    changed: (changes) => cache.invalidate(changes),
    resynced: () => cache.clear(),
  });
}

// Child process for the embedded index's crash test: opens the index on a snapshot directory,
// catches a namespace up (which makes it write a new snapshot), and stops for good after the
// given number of snapshot files, saying "writing" on stdout so the parent can kill -9 it there.
// Args: <directory> <namespace id> <files before the stop> <ANN threshold>; the store from the environment.
import { openMetadataStore } from '../../src/compose.ts';
import { loadConfig } from '../../src/config.ts';
import { EmbeddedSearchIndex } from '../../src/adapters/search/embedded/embedded-search-index.ts';

const [directory, namespaceId, stopAfter, threshold] = process.argv.slice(2) as [string, string, string, string];
// Alive until killed (the index's own timers do not hold the process), or, orphaned, for two minutes.
setTimeout(() => process.exit(3), 120_000);
const store = await openMetadataStore(loadConfig(process.env));
let files = 0;
const index = new EmbeddedSearchIndex({
  feed: store.documentFeed,
  directory,
  annThreshold: Number(threshold),
  refreshIntervalMs: 0,
  snapshotDelayMs: 10,
  snapshotHooks: {
    afterFile: async () => {
      if (++files < Number(stopAfter)) return;
      process.stdout.write('writing\n');
      // Held here until killed.
      await new Promise(() => {});
    },
  },
});
await index.stats(namespaceId);

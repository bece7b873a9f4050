// `tessera reindex [--namespace ID]`: rebuilds the search index from the metadata database, the
// canonical copy. The embedded index rebuilds each namespace's files in <TESSERA_DATA_DIR>/search-index
// (HNSW graphs included) and returns once they are written; the pgvector index rebuilds its tables.
// A running server keeps its own in-memory copy (also derived from the database, so both agree);
// run this with the server stopped to replace a damaged index, or any time to check one.
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { EmbeddedSearchIndex } from '../../adapters/search/embedded/embedded-search-index.ts';
import type { Services } from '../../engine/services.ts';
import type { MetadataStore } from '../../engine/ports/metadata-store.ts';

interface ReindexIo {
  withStore: (fn: (store: MetadataStore, services: Services) => Promise<void>) => Promise<void>;
  stdout: Writable;
  stderr: Writable;
}

export function registerReindexCommand(program: Command, io: ReindexIo): void {
  program
    .command('reindex')
    .description('rebuild the search index from the metadata database (embedded: the files in <TESSERA_DATA_DIR>/search-index)')
    .option('--namespace <namespace_id>', 'only this namespace (default: every namespace with documents)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { namespace?: string; json?: boolean }) =>
      io.withStore(async (_store, services) => {
        const index = services.searchIndex;
        const namespaceId = opts.namespace ?? null;
        const started = Date.now();
        const result =
          index instanceof EmbeddedSearchIndex
            ? await index.reindex(namespaceId, (done) => {
                if (!opts.json) io.stderr.write(`  ${done.namespaceId}: ${done.documents} documents\n`);
              })
            : await index.rebuild(namespaceId);
        const seconds = (Date.now() - started) / 1000;
        io.stdout.write(
          opts.json
            ? `${JSON.stringify({ index: index.kind, namespaces: result.namespaces, documents: result.documents, seconds })}\n`
            : `Rebuilt the ${index.kind} search index: ${result.namespaces} namespace(s), ${result.documents} document(s) in ${seconds.toFixed(1)} s.\n`,
        );
      }),
    );
}

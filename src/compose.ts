// The composition root: picks adapters from config. Nothing else branches on the backend.
import { KyselyMetadataStore } from './adapters/metadata/kysely-metadata-store.ts';
import type { TesseraConfig } from './config.ts';
import type { MetadataStore } from './engine/ports/metadata-store.ts';

export async function openMetadataStore(config: TesseraConfig): Promise<MetadataStore> {
  return KyselyMetadataStore.open({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
  });
}

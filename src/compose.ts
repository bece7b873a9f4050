// The composition root: picks adapters from config. Nothing else branches on the backend.
import { KyselyMetadataStore } from './adapters/metadata/kysely-metadata-store.ts';
import type { TesseraConfig } from './config.ts';
import type { MetadataStore } from './engine/ports/metadata-store.ts';
import type { RateLimitCounter } from './engine/ports/rate-limit-counter.ts';
import { createRateLimitCounter } from './adapters/limiter/flexible-counter.ts';

export async function openMetadataStore(config: TesseraConfig): Promise<MetadataStore> {
  return KyselyMetadataStore.open({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
  });
}

/** In-process counters by default; Redis (shared by every API process) when TESSERA_REDIS_URL is set. */
export async function openRateLimitCounter(config: TesseraConfig): Promise<RateLimitCounter | undefined> {
  if (!config.rateLimiting) return undefined;
  return createRateLimitCounter({ windowSeconds: 60, redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix });
}

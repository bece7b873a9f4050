// The composition root: picks adapters from config. Nothing else branches on the backend.
import { KyselyMetadataStore } from './adapters/metadata/kysely-metadata-store.ts';
import type { TesseraConfig } from './config.ts';
import type { MetadataStore } from './engine/ports/metadata-store.ts';
import type { RateLimitCounter } from './engine/ports/rate-limit-counter.ts';
import { createRateLimitCounter, RedisUnavailableAtStartError } from './adapters/limiter/create-counter.ts';
import type { StatusLog } from './adapters/limiter/resilient-counter.ts';

export async function openMetadataStore(config: TesseraConfig): Promise<MetadataStore> {
  return KyselyMetadataStore.open({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
  });
}

/**
 * In-process counters by default; Redis (shared by every API process) when TESSERA_REDIS_URL is set.
 * Needed by the per-category rate limits and by the failed-authentication throttle; undefined when
 * both are off.
 */
export async function openRateLimitCounter(config: TesseraConfig, log: StatusLog): Promise<RateLimitCounter | undefined> {
  if (!config.rateLimiting && config.authFailureLimit === 0) return undefined;
  const redis = config.redisUrl
    ? { url: config.redisUrl, connectTimeoutMs: config.redisConnectTimeoutMs, commandTimeoutMs: config.redisCommandTimeoutMs, failureMode: config.redisFailureMode }
    : undefined;
  try {
    return await createRateLimitCounter({ windowSeconds: 60, keyPrefix: config.redisKeyPrefix, redis, log });
  } catch (err) {
    if (err instanceof RedisUnavailableAtStartError) {
      // Names the setting to fix, not only the symptom.
      const cause = err.cause instanceof Error ? err.cause.message : String(err.cause);
      throw new Error(
        `Redis (TESSERA_REDIS_URL, ${err.address}) did not answer at start-up (${cause}), and TESSERA_REDIS_FAILURE_MODE=closed requires it: ` +
          'start Redis, fix TESSERA_REDIS_URL, or set TESSERA_REDIS_FAILURE_MODE=open to start with per-process rate limits until Redis answers',
        { cause: err },
      );
    }
    throw err;
  }
}

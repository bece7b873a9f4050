// The composition root: picks adapters from config. Nothing else branches on the backend.
import path from 'node:path';
import { MetadataStoreUnreachableError } from './adapters/metadata/connect.ts';
import { KyselyMetadataStore } from './adapters/metadata/kysely-metadata-store.ts';
import type { TesseraConfig } from './config.ts';
import type { MetadataStore } from './engine/ports/metadata-store.ts';
import type { RateLimitCounter } from './engine/ports/rate-limit-counter.ts';
import { createRateLimitCounter, RedisUnavailableAtStartError } from './adapters/limiter/create-counter.ts';
import type { StatusLog } from './adapters/limiter/resilient-counter.ts';
import { RedisInvalidationBus, type BusLog } from './adapters/cache-invalidation/redis-invalidation-bus.ts';
import type { InvalidationBus } from './engine/ports/invalidation-bus.ts';
import { AesGcmSecretCipher } from './adapters/secrets/aes-gcm-secret-cipher.ts';
import { decodeSecretsKey, KEY_FILE_NAME, loadOrCreateKeyFile } from './adapters/secrets/secrets-key.ts';
import type { SecretCipher } from './engine/ports/secret-cipher.ts';
import type { UrlFetcher } from './engine/ports/url-fetcher.ts';
import { SafeUrlFetcher } from './adapters/fetch/safe-url-fetcher.ts';

export interface MetadataStoreHooks {
  /** A database connection was dropped (restart, failover, terminated session); it is replaced on demand. */
  onConnectionLost?: (error: { message: string; code?: string }) => void;
}

export async function openMetadataStore(config: TesseraConfig, hooks: MetadataStoreHooks = {}): Promise<MetadataStore> {
  try {
    return await KyselyMetadataStore.open({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      databaseSchema: config.databaseSchema,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      poolSize: config.databasePoolSize,
      idleTimeoutMs: config.databaseIdleTimeoutMs,
      ...(hooks.onConnectionLost ? { onConnectionLost: hooks.onConnectionLost } : {}),
    });
  } catch (err) {
    // Name the setting to fix: the adapter knows the store, not where its address came from.
    if (err instanceof MetadataStoreUnreachableError) {
      throw new MetadataStoreUnreachableError(`${err.message} (set by ${config.databaseUrl ? 'TESSERA_DATABASE_URL' : 'TESSERA_DATA_DIR'})`);
    }
    throw err;
  }
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

/**
 * Cache invalidations shared by every API process over Redis pub/sub when TESSERA_REDIS_URL is
 * set; null otherwise (each process drops only what it wrote itself). Never waits for Redis.
 */
export function openInvalidationBus(config: TesseraConfig, log: BusLog): InvalidationBus | null {
  if (!config.redisUrl) return null;
  const redis = { url: config.redisUrl, connectTimeoutMs: config.redisConnectTimeoutMs, commandTimeoutMs: config.redisCommandTimeoutMs };
  return new RedisInvalidationBus({ redis, channel: `${config.redisKeyPrefix}cache-invalidation`, log });
}

/**
 * The cipher of organization secrets: TESSERA_SECRETS_KEY, or a key generated into the data
 * directory on first use. With PostgreSQL and no key a warning says so (at that first use): processes on other hosts
 * would each generate their own key and fail to decrypt each other's secrets (secrets_key_mismatch).
 * A warning, not a refusal: a single process, or processes sharing the data directory, work, and
 * refusing would stop every PostgreSQL deployment that does not use secrets from upgrading.
 */
export function openSecretCipher(config: TesseraConfig, log: { warn: (message: string) => void }): SecretCipher {
  if (config.secretsKey) {
    const key = decodeSecretsKey(config.secretsKey);
    if (!key) throw new Error('TESSERA_SECRETS_KEY is not a 32-byte key (64 hex digits or base64)');
    return new AesGcmSecretCipher(async () => key, 'TESSERA_SECRETS_KEY');
  }
  const file = path.join(config.dataDir, KEY_FILE_NAME);
  // Said when the key file is first used, not at every start: processes that never touch a secret
  // (the CLI, deployments without secrets) have nothing to warn about.
  let warned = !config.databaseUrl;
  const loadKey = () => {
    if (!warned) {
      warned = true;
      log.warn(
        `TESSERA_SECRETS_KEY is not set: organization secrets are encrypted with the key in ${file}; ` +
          'every process sharing this PostgreSQL database must use the same key: set TESSERA_SECRETS_KEY (or share TESSERA_DATA_DIR)',
      );
    }
    return loadOrCreateKeyFile(config.dataDir);
  };
  return new AesGcmSecretCipher(loadKey, `the key file ${file} (TESSERA_SECRETS_KEY unset; TESSERA_DATA_DIR)`);
}

/** The one way URL blobs are fetched: public addresses only, except what TESSERA_FETCH_ALLOW_* opens. */
export function openUrlFetcher(config: TesseraConfig): UrlFetcher {
  return new SafeUrlFetcher({
    allowHosts: config.fetchAllowHosts,
    allowCidrs: config.fetchAllowCidrs,
    timeoutMs: config.fetchTimeoutMs,
    maxRedirects: config.fetchMaxRedirects,
  });
}

// The composition root: picks adapters from config. Nothing else branches on the backend.
import path from 'node:path';
import { MetadataStoreUnreachableError } from './adapters/metadata/connect.ts';
import { KyselyMetadataStore } from './adapters/metadata/kysely-metadata-store.ts';
import { modelsDirOf, type TesseraConfig } from './config.ts';
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
import { SafeWebhookTransport } from './adapters/fetch/safe-webhook-transport.ts';
import type { WebhookTransport } from './engine/ports/webhook-transport.ts';
import type { DeliverySettings } from './engine/webhooks/webhook-deliverer.ts';
import type { QueueLog, QueueSettings } from './adapters/queue/base-job-queue.ts';
import { BullMqJobQueue } from './adapters/queue/bullmq-job-queue.ts';
import { DatabaseJobQueue } from './adapters/queue/database-job-queue.ts';
import { JOB_NAMES, type JobCatalogue } from './engine/jobs/job-catalogue.ts';
import type { Clock } from './engine/ports/clock.ts';
import type { JobQueue } from './engine/ports/job-queue.ts';
import type { BlobStore } from './engine/ports/blob-store.ts';
import { FilesystemBlobStore } from './adapters/blobs/filesystem-blob-store.ts';
import type { InferencePort } from './engine/ports/inference.ts';
import { CompositeInference } from './adapters/models/composite-inference.ts';
import { NeuralInference } from './adapters/models/neural-inference.ts';
import type { NeuralTextModel } from './adapters/models/model-catalogue.ts';
import type { SearchIndex } from './engine/ports/search-index.ts';
import { EmbeddedSearchIndex, type SearchIndexLog } from './adapters/search/embedded/embedded-search-index.ts';
import { PgvectorSearchIndex } from './adapters/search/pgvector/pgvector-search-index.ts';
import { PgvectorUnavailableError } from './adapters/search/pgvector/pgvector-database.ts';

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

/** Webhook deliveries go out through the same guard as URL blobs (and the same allow-lists). */
export function openWebhookTransport(config: TesseraConfig): WebhookTransport {
  return new SafeWebhookTransport({
    allowHosts: config.fetchAllowHosts,
    allowCidrs: config.fetchAllowCidrs,
    timeoutMs: config.fetchTimeoutMs,
    maxRedirects: config.fetchMaxRedirects,
  });
}

/** Attempts and backoff of webhook deliveries. */
export function webhookDeliverySettings(config: TesseraConfig): DeliverySettings {
  return { maxAttempts: config.webhookMaxAttempts, backoff: { baseMs: config.webhookRetryBaseMs, maxMs: Math.max(config.webhookRetryBaseMs, 3_600_000) } };
}

/**
 * The job queue: rows of the metadata database run by an in-process pool (TESSERA_JOB_QUEUE=database),
 * or BullMQ on Redis fed from those rows (redis). Who runs handlers: workers always; API processes
 * with the database queue unless TESSERA_RUN_JOBS_IN_API=false, with Redis only when it is true;
 * the CLI never (it only enqueues: a running API or worker process picks its rows up).
 */
export function openJobQueue(
  config: TesseraConfig,
  store: MetadataStore,
  clock: Clock,
  log: QueueLog,
  role: 'api' | 'worker' | 'cli',
): JobQueue<JobCatalogue> {
  const runHandlers = role === 'worker' || (role === 'api' && (config.runJobsInApi ?? config.jobQueue === 'database'));
  const settings: QueueSettings = {
    concurrency: config.workerConcurrency,
    pollIntervalMs: config.jobPollIntervalMs,
    leaseMs: config.jobLeaseMs,
    shutdownTimeoutMs: config.jobShutdownTimeoutMs,
    runHandlers,
  };
  if (config.jobQueue === 'redis') {
    const redis = { url: config.redisUrl!, prefix: `${config.redisKeyPrefix}bull`, connectTimeoutMs: config.redisConnectTimeoutMs, relay: role !== 'cli' };
    return new BullMqJobQueue<JobCatalogue>(store, JOB_NAMES, settings, clock, log, redis);
  }
  return new DatabaseJobQueue<JobCatalogue>(store, JOB_NAMES, settings, clock, log);
}

export const SIGNING_KEY_FILE_NAME = 'signing.key';

/**
 * Where clients reach this process: TESSERA_PUBLIC_URL, else http://HOST:PORT (a wildcard HOST
 * becomes the loopback address, which only local clients can use: set TESSERA_PUBLIC_URL).
 */
export function publicBaseUrl(config: TesseraConfig): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/**
 * The blob store: <dataDir>/blobs by default, or an S3-compatible bucket (TESSERA_BLOB_STORE=s3).
 * The filesystem store's presigned URLs point at this Tessera (/v1/blob-transfer/<token>), signed
 * with TESSERA_SIGNING_KEY or a key generated once into <dataDir>/signing.key.
 */
export async function openBlobStore(config: TesseraConfig, log?: { info: (o: object, message: string) => void }): Promise<BlobStore> {
  if (config.blobStore === 's3') {
    // Loaded only when chosen: the AWS SDK costs every process start (CLI, worker) time and a warning.
    const { S3BlobStore } = await import('./adapters/blobs/s3-blob-store.ts');
    return new S3BlobStore({
      bucket: config.s3Bucket as string,
      region: config.s3Region,
      endpoint: config.s3Endpoint,
      credentials: config.s3AccessKeyId && config.s3SecretAccessKey ? { accessKeyId: config.s3AccessKeyId, secretAccessKey: config.s3SecretAccessKey } : undefined,
      forcePathStyle: config.s3ForcePathStyle,
      ...(config.s3KeyPrefix ? { keyPrefix: config.s3KeyPrefix } : {}),
    });
  }
  let signingKey: Buffer;
  if (config.signingKey) {
    const key = decodeSecretsKey(config.signingKey);
    if (!key) throw new Error('TESSERA_SIGNING_KEY is not a 32-byte key (64 hex digits or base64)');
    signingKey = key;
  } else {
    signingKey = await loadOrCreateKeyFile(config.dataDir, SIGNING_KEY_FILE_NAME, 'TESSERA_SIGNING_KEY');
  }
  const store = await FilesystemBlobStore.open({ root: path.join(config.dataDir, 'blobs'), signingKey, publicUrl: publicBaseUrl(config) });
  if (store.removedTempFiles > 0) log?.info({ removed: store.removedTempFiles }, 'removed temporary blob files left by an interrupted write');
  return store;
}

/**
 * The models this process can run: the built-in lexical embedder (inline) and the neural models
 * whose files are in TESSERA_MODELS_DIR (on TESSERA_INFERENCE_THREADS worker threads, started on
 * first use). `extraModels` adds catalogue entries (tests register their tiny model this way).
 */
export function openInference(config: TesseraConfig, extraModels: readonly NeuralTextModel[] = []): InferencePort {
  return new CompositeInference(
    new NeuralInference({ modelsDir: modelsDirOf(config), allowDownload: config.allowModelDownload, threads: config.inferenceThreads, extraModels }),
  );
}

/**
 * The search index over the metadata database's documents (src/engine/ports/search-index.ts):
 * TESSERA_SEARCH_INDEX=embedded keeps it in this process (files under <dataDir>/search-index);
 * pgvector keeps it in the PostgreSQL metadata database, shared by every process; auto (the
 * default) picks pgvector when TESSERA_DATABASE_URL is set and the extension is there (or can be
 * created), else embedded.
 */
export async function openSearchIndex(config: TesseraConfig, store: MetadataStore, log: SearchIndexLog): Promise<SearchIndex> {
  const embedded = () =>
    new EmbeddedSearchIndex({
      feed: store.documentFeed,
      directory: path.join(config.dataDir, 'search-index'),
      annThreshold: config.indexAnnThreshold,
      efSearch: config.indexEfSearch,
      logRetention: config.indexLogRetention,
      log,
    });
  if (config.searchIndex === 'embedded' || !config.databaseUrl) return embedded();
  try {
    return await PgvectorSearchIndex.open({
      databaseUrl: config.databaseUrl,
      schema: config.databaseSchema,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      poolSize: config.databasePoolSize,
      idleTimeoutMs: config.databaseIdleTimeoutMs,
      feed: store.documentFeed,
      log,
    });
  } catch (err) {
    if (config.searchIndex === 'auto' && err instanceof PgvectorUnavailableError) {
      log.warn({ reason: err.message }, 'pgvector is not available: using the embedded search index (TESSERA_SEARCH_INDEX=auto; set it to pgvector to require it)');
      return embedded();
    }
    throw err;
  }
}

// The only module that reads process.env. Everything else receives a validated TesseraConfig.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import path from 'node:path';
import { parseCidr } from './lib/address-policy.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LogLevel = Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)));

export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  dataDir: Type.String({ minLength: 1 }),
  /** PostgreSQL connection string; when absent the embedded SQLite store in dataDir is used. */
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** PostgreSQL schema to keep Tessera's tables in (lets tests and tenants share one database). */
  databaseSchema: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  /**
   * Longest a single statement may run or wait for a lock: PostgreSQL's statement_timeout, SQLite's
   * busy_timeout. A request that hits it answers 503 (database_timeout) instead of hanging.
   */
  databaseStatementTimeoutMs: Type.Integer({ minimum: 10, maximum: 3_600_000 }),
  /** PostgreSQL: longest wait for a new connection, and for a free one when the pool is full. */
  databaseConnectTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
  /** PostgreSQL: most connections each API process opens. */
  databasePoolSize: Type.Integer({ minimum: 1, maximum: 1000 }),
  /** PostgreSQL: an unused connection is closed after this long; 0 keeps idle connections open. */
  databaseIdleTimeoutMs: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
  /** When set, the bootstrap admin key is exactly this string (known to deployments and tests). */
  bootstrapApiKey: Type.Optional(Type.String({ pattern: '^sk_[A-Za-z0-9_\\-]{16,}$' })),
  bootstrapAdminEmail: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' }),
  bootstrapOrganizationName: Type.String({ minLength: 1, maxLength: 200 }),
  logLevel: LogLevel,
  /** Largest accepted request body in bytes. */
  bodyLimit: Type.Integer({ minimum: 1024 }),
  /** Run pending migrations when the app starts (the CLI's `migrate` runs them on demand). */
  migrateOnStart: Type.Boolean(),
  /** Public base URL reported as the organization's api_url; null when unknown. */
  publicUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Redis for rate-limit counters shared by every API process; in-process memory when absent. */
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** Prefix of every Redis key Tessera writes (lets deployments and tests share one Redis). */
  redisKeyPrefix: Type.String({ pattern: '^[A-Za-z0-9:_-]{1,64}$' }),
  /**
   * Bound on opening a Redis connection (and on start-up's wait for Redis). A LAN or same-region
   * Redis connects in milliseconds; 2 s covers TLS and cross-zone hops and keeps a start with Redis
   * down short.
   */
  redisConnectTimeoutMs: Type.Integer({ minimum: 1, maximum: 60_000 }),
  /**
   * Bound on each Redis reply: the most a request waits on a Redis that stopped answering before
   * the limiter falls back. A healthy Redis answers in about a millisecond; 250 ms is far above
   * that (and above GC and event-loop pauses), yet short enough that requests caught by a freeze
   * still answer, and only those wait: the next ones fall back at once.
   */
  redisCommandTimeoutMs: Type.Integer({ minimum: 1, maximum: 60_000 }),
  /** While Redis is unreachable: `open` counts limits per process, `closed` refuses limited requests (503). */
  redisFailureMode: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  /**
   * Failed authentications one client address may have per minute; the next request from it is
   * refused (429) before its key is checked. 0 turns the throttle off.
   */
  authFailureLimit: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  /** Enforce the per-category rate limits (off only for single-user setups and benchmarks). */
  rateLimiting: Type.Boolean(),
  /**
   * Unknown request-body fields: ignored and named in the Tessera-Ignored-Fields response header
   * (false, as Mixpeek's server ignores them), or refused with 422 (true, to catch typos).
   */
  strictRequests: Type.Boolean(),
  /** Spend credits and count requests (off only for single-user setups and benchmarks). */
  usageAccounting: Type.Boolean(),
  /**
   * How long a process may serve API keys and organizations from its read cache before it sees
   * another process's writes (its own writes clear the cache at once). 0 turns the cache off.
   */
  cacheTtlMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
  /** Longest a client may take to send a whole request (headers and body); then 408 and close. */
  requestTimeoutMs: Type.Integer({ minimum: 1, maximum: 3_600_000 }),
  /** Longest a client may take to send the request headers; at most requestTimeoutMs. */
  headersTimeoutMs: Type.Integer({ minimum: 1, maximum: 3_600_000 }),
  /** How long an idle kept-alive connection stays open (keep it above a load balancer's idle timeout). */
  keepAliveTimeoutMs: Type.Integer({ minimum: 1, maximum: 3_600_000 }),
  /**
   * The 32-byte AES-256-GCM key that encrypts organization secrets at rest (64 hex digits or
   * base64). Absent: a key generated once into <dataDir>/secrets.key. Every process sharing a
   * PostgreSQL database must use the same key.
   */
  secretsKey: Type.Optional(Type.String({ pattern: '^(?:[0-9A-Fa-f]{64}|[A-Za-z0-9+/]{43}=|[A-Za-z0-9_-]{43})$' })),
  /** URL blobs: hostnames (exact) fetched whatever address they resolve to (a media server on the LAN). */
  fetchAllowHosts: Type.Array(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,253}$' }), { maxItems: 1000 }),
  /** URL blobs: address ranges fetched although private, loopback or reserved (e.g. 10.0.0.0/8). */
  fetchAllowCidrs: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000 }),
  /** URL blobs: the longest one fetch may take, DNS to last byte (a request's own bound may be shorter). */
  fetchTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
  /** URL blobs: redirects followed at most, each checked like the first URL. */
  fetchMaxRedirects: Type.Integer({ minimum: 0, maximum: 20 }),
  /**
   * Where background jobs queue: `database` (the metadata database; API processes run them) or
   * `redis` (BullMQ on TESSERA_REDIS_URL; `tessera worker` processes run them, API processes relay).
   */
  jobQueue: Type.Union([Type.Literal('database'), Type.Literal('redis')]),
  /** Jobs one process runs at once. */
  workerConcurrency: Type.Integer({ minimum: 1, maximum: 256 }),
  /** How often an idle process looks for due jobs (and relays the outbox); its own enqueues are seen at once. */
  jobPollIntervalMs: Type.Integer({ minimum: 10, maximum: 60_000 }),
  /**
   * A running job's lease (database) or lock (BullMQ lockDuration and stalledInterval): a job whose
   * process died runs again about this long after.
   */
  jobLeaseMs: Type.Integer({ minimum: 100, maximum: 3_600_000 }),
  /** On shutdown, how long running jobs may take to finish before they are aborted (and later re-run). */
  jobShutdownTimeoutMs: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
  /** Objects per batch chunk job: the unit a batch's work is split into, retried and written in one transaction. */
  batchChunkSize: Type.Integer({ minimum: 1, maximum: 5_000 }),
  /** Run jobs in API processes too. Default: yes with the database queue, no with Redis (run `tessera worker`). */
  runJobsInApi: Type.Optional(Type.Boolean()),
  /** Webhook deliveries: attempts per event and channel, the first included (then the delivery is marked failed). */
  webhookMaxAttempts: Type.Integer({ minimum: 1, maximum: 50 }),
  /** Webhook deliveries: delay before the second attempt; each later one doubles (with jitter), capped at an hour. */
  webhookRetryBaseMs: Type.Integer({ minimum: 10, maximum: 3_600_000 }),
  /** Where blob bytes live: `filesystem` (<dataDir>/blobs) or `s3` (an S3-compatible bucket). */
  blobStore: Type.Union([Type.Literal('filesystem'), Type.Literal('s3')]),
  /** S3 endpoint (MinIO, R2, …); absent: AWS's endpoint for the region. */
  s3Endpoint: Type.Optional(Type.String({ pattern: '^https?://' })),
  s3Region: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }),
  /** Required with blobStore `s3`. */
  s3Bucket: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' })),
  /** Both or neither; neither: the AWS SDK's default credential chain (instance role, ~/.aws…). */
  s3AccessKeyId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  s3SecretAccessKey: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  /** Path-style URLs (http://host/bucket/key): MinIO and most self-hosted S3s need it. */
  s3ForcePathStyle: Type.Boolean(),
  /** Prepended to every object key ("prod/"), so several deployments can share one bucket. */
  s3KeyPrefix: Type.Optional(Type.String({ pattern: '^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*/?$', maxLength: 200 })),
  /**
   * The 32-byte HMAC key signing the filesystem store's transfer links (presigned URLs). Absent: a
   * key generated once into <dataDir>/signing.key (processes sharing the blobs share the data dir).
   */
  signingKey: Type.Optional(Type.String({ pattern: '^(?:[0-9A-Fa-f]{64}|[A-Za-z0-9+/]{43}=|[A-Za-z0-9_-]{43})$' })),
  /** Where neural models live (<dir>/<org>/<model>/…, as `tessera models pull` writes them). Default <dataDir>/models. */
  modelsDir: Type.Optional(Type.String({ minLength: 1 })),
  /** Fetch a missing model's files from the Hugging Face hub into modelsDir when first used (off: offline only). */
  allowModelDownload: Type.Boolean(),
  /** Worker threads running neural models (each loads the models it is asked for). */
  inferenceThreads: Type.Integer({ minimum: 1, maximum: 64 }),
  /**
   * The search index: `embedded` (in-process, files under the data directory), `pgvector` (tables
   * in the PostgreSQL metadata database, shared by every process; needs the pgvector extension), or
   * `auto`: pgvector when TESSERA_DATABASE_URL is set and the extension is installed (or can be
   * created), else embedded.
   */
  searchIndex: Type.Union([Type.Literal('auto'), Type.Literal('embedded'), Type.Literal('pgvector')]),
  /**
   * Embedded search index: a vector name with at least this many vectors gets an HNSW graph (built
   * in the background); below it, searches scan exactly (~5 ms for 10k 384-d vectors on one core).
   */
  indexAnnThreshold: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
  /** Embedded search index: HNSW search breadth (efSearch); higher finds more of the true top k, slower. */
  indexEfSearch: Type.Integer({ minimum: 10, maximum: 10_000 }),
  /**
   * Embedded search index: changes kept in the documents' change log for processes catching up;
   * older ones are pruned. A process whose snapshot is older rebuilds from the database. 0: never prune.
   */
  indexLogRetention: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
});
export type TesseraConfig = Static<typeof ConfigSchema>;

export class ConfigError extends Error {}

const DEFAULTS: TesseraConfig = {
  port: 8000,
  host: '127.0.0.1',
  dataDir: './data',
  databaseSchema: 'public',
  databaseStatementTimeoutMs: 5000,
  databaseConnectTimeoutMs: 5000,
  databasePoolSize: 10,
  databaseIdleTimeoutMs: 10_000,
  bootstrapAdminEmail: 'admin@tessera.local',
  bootstrapOrganizationName: 'Default Organization',
  logLevel: 'info',
  bodyLimit: 10 * 1024 * 1024,
  migrateOnStart: true,
  redisKeyPrefix: 'tessera:',
  redisConnectTimeoutMs: 2000,
  redisCommandTimeoutMs: 250,
  redisFailureMode: 'open',
  authFailureLimit: 100,
  rateLimiting: true,
  usageAccounting: true,
  strictRequests: false,
  cacheTtlMs: 1000,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // Fastify's default, above the 60 s idle timeout of common load balancers.
  keepAliveTimeoutMs: 72_000,
  fetchAllowHosts: [],
  fetchAllowCidrs: [],
  fetchTimeoutMs: 30_000,
  fetchMaxRedirects: 5,
  jobQueue: 'database',
  workerConcurrency: 4,
  jobPollIntervalMs: 1000,
  jobLeaseMs: 30_000,
  jobShutdownTimeoutMs: 10_000,
  webhookMaxAttempts: 8,
  webhookRetryBaseMs: 30_000,
  batchChunkSize: 200,
  blobStore: 'filesystem',
  s3Region: 'us-east-1',
  s3ForcePathStyle: false,
  allowModelDownload: false,
  inferenceThreads: 1,
  searchIndex: 'auto',
  indexAnnThreshold: 10_000,
  indexEfSearch: 400,
  indexLogRetention: 1_000_000,
};

/** Validates a full config; throws ConfigError naming every bad setting. */
export function validateConfig(input: Partial<TesseraConfig>): TesseraConfig {
  const merged = { ...DEFAULTS, ...stripUndefined(input) };
  const errors = [...Value.Errors(ConfigSchema, merged)].map((e) => ({ path: e.path, message: e.message, value: e.value }));
  // Node refuses a headers timeout longer than the request timeout.
  if (errors.length === 0 && merged.headersTimeoutMs > merged.requestTimeoutMs) {
    errors.push({ path: '/headersTimeoutMs', message: `Expected at most TESSERA_REQUEST_TIMEOUT_MS (${merged.requestTimeoutMs})`, value: merged.headersTimeoutMs });
  }
  if (Array.isArray(merged.fetchAllowCidrs)) {
    const bad = merged.fetchAllowCidrs.filter((c) => typeof c !== 'string' || !parseCidr(c));
    if (bad.length > 0) errors.push({ path: '/fetchAllowCidrs', message: 'Expected CIDR ranges such as 10.0.0.0/8 or fd00::/8, comma-separated', value: bad });
  }
  if (errors.length === 0 && merged.jobQueue === 'redis' && !merged.redisUrl) {
    errors.push({ path: '/jobQueue', message: 'redis requires TESSERA_REDIS_URL', value: merged.jobQueue });
  }
  if (errors.length === 0 && merged.searchIndex === 'pgvector' && !merged.databaseUrl) {
    errors.push({ path: '/searchIndex', message: 'pgvector requires TESSERA_DATABASE_URL (PostgreSQL)', value: merged.searchIndex });
  }
  if (errors.length === 0 && merged.blobStore === 's3' && !merged.s3Bucket) {
    errors.push({ path: '/s3Bucket', message: 'Required when TESSERA_BLOB_STORE=s3', value: merged.s3Bucket });
  }
  if (errors.length === 0 && !merged.s3AccessKeyId !== !merged.s3SecretAccessKey) {
    const missing = merged.s3AccessKeyId ? '/s3SecretAccessKey' : '/s3AccessKeyId';
    errors.push({ path: missing, message: 'Set TESSERA_S3_ACCESS_KEY_ID and TESSERA_S3_SECRET_ACCESS_KEY together (or neither, for the default AWS credential chain)', value: undefined });
  }
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      // A list item's path is /key/index: name the setting.
      const key = e.path.slice(1).split('/')[0] ?? '';
      const name = ENV_NAME_OF[key] ? `${ENV_NAME_OF[key]} (${key})` : key || '(root)';
      const got = SECRET_KEYS.has(key as keyof TesseraConfig) ? '(value hidden)' : `(got ${JSON.stringify(e.value)})`;
      const message =
        key === 'logLevel'
          ? `Expected one of ${LOG_LEVELS.join(', ')}`
          : key === 'redisFailureMode'
            ? 'Expected open or closed'
            : key === 'jobQueue' && e.message !== 'redis requires TESSERA_REDIS_URL'
              ? 'Expected database or redis'
            : key === 'secretsKey' || key === 'signingKey'
              ? 'Expected a 32-byte key as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)'
              : key === 'blobStore'
                ? 'Expected filesystem or s3'
                : key === 'searchIndex' && e.message !== 'pgvector requires TESSERA_DATABASE_URL (PostgreSQL)'
                  ? 'Expected auto, embedded or pgvector'
                  : e.message;
      return `  ${name}: ${message} ${got}`;
    });
    throw new ConfigError(`Invalid Tessera configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  return { ...merged, dataDir: path.resolve(merged.dataDir), ...(merged.modelsDir ? { modelsDir: path.resolve(merged.modelsDir) } : {}) };
}

const ENV_KEYS: Record<string, keyof TesseraConfig> = {
  PORT: 'port',
  HOST: 'host',
  TESSERA_DATA_DIR: 'dataDir',
  TESSERA_DATABASE_URL: 'databaseUrl',
  TESSERA_DATABASE_SCHEMA: 'databaseSchema',
  TESSERA_DATABASE_STATEMENT_TIMEOUT_MS: 'databaseStatementTimeoutMs',
  TESSERA_DATABASE_CONNECT_TIMEOUT_MS: 'databaseConnectTimeoutMs',
  TESSERA_DATABASE_POOL_SIZE: 'databasePoolSize',
  TESSERA_DATABASE_IDLE_TIMEOUT_MS: 'databaseIdleTimeoutMs',
  TESSERA_BOOTSTRAP_API_KEY: 'bootstrapApiKey',
  TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'bootstrapAdminEmail',
  TESSERA_BOOTSTRAP_ORG_NAME: 'bootstrapOrganizationName',
  LOG_LEVEL: 'logLevel',
  TESSERA_BODY_LIMIT: 'bodyLimit',
  TESSERA_MIGRATE_ON_START: 'migrateOnStart',
  TESSERA_PUBLIC_URL: 'publicUrl',
  TESSERA_REDIS_URL: 'redisUrl',
  TESSERA_REDIS_PREFIX: 'redisKeyPrefix',
  TESSERA_REDIS_CONNECT_TIMEOUT_MS: 'redisConnectTimeoutMs',
  TESSERA_REDIS_COMMAND_TIMEOUT_MS: 'redisCommandTimeoutMs',
  TESSERA_REDIS_FAILURE_MODE: 'redisFailureMode',
  TESSERA_AUTH_FAILURE_LIMIT: 'authFailureLimit',
  TESSERA_RATE_LIMITING: 'rateLimiting',
  TESSERA_USAGE_ACCOUNTING: 'usageAccounting',
  TESSERA_STRICT_REQUESTS: 'strictRequests',
  TESSERA_CACHE_TTL_MS: 'cacheTtlMs',
  TESSERA_REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  TESSERA_HEADERS_TIMEOUT_MS: 'headersTimeoutMs',
  TESSERA_KEEP_ALIVE_TIMEOUT_MS: 'keepAliveTimeoutMs',
  TESSERA_SECRETS_KEY: 'secretsKey',
  TESSERA_FETCH_ALLOW_HOSTS: 'fetchAllowHosts',
  TESSERA_FETCH_ALLOW_CIDRS: 'fetchAllowCidrs',
  TESSERA_FETCH_TIMEOUT_MS: 'fetchTimeoutMs',
  TESSERA_FETCH_MAX_REDIRECTS: 'fetchMaxRedirects',
  TESSERA_JOB_QUEUE: 'jobQueue',
  TESSERA_WORKER_CONCURRENCY: 'workerConcurrency',
  TESSERA_JOB_POLL_INTERVAL_MS: 'jobPollIntervalMs',
  TESSERA_JOB_LEASE_MS: 'jobLeaseMs',
  TESSERA_JOB_SHUTDOWN_TIMEOUT_MS: 'jobShutdownTimeoutMs',
  TESSERA_RUN_JOBS_IN_API: 'runJobsInApi',
  TESSERA_WEBHOOK_MAX_ATTEMPTS: 'webhookMaxAttempts',
  TESSERA_WEBHOOK_RETRY_BASE_MS: 'webhookRetryBaseMs',
  TESSERA_BATCH_CHUNK_SIZE: 'batchChunkSize',
  TESSERA_BLOB_STORE: 'blobStore',
  TESSERA_S3_ENDPOINT: 's3Endpoint',
  TESSERA_S3_REGION: 's3Region',
  TESSERA_S3_BUCKET: 's3Bucket',
  TESSERA_S3_ACCESS_KEY_ID: 's3AccessKeyId',
  TESSERA_S3_SECRET_ACCESS_KEY: 's3SecretAccessKey',
  TESSERA_S3_FORCE_PATH_STYLE: 's3ForcePathStyle',
  TESSERA_S3_KEY_PREFIX: 's3KeyPrefix',
  TESSERA_SIGNING_KEY: 'signingKey',
  TESSERA_MODELS_DIR: 'modelsDir',
  TESSERA_ALLOW_MODEL_DOWNLOAD: 'allowModelDownload',
  TESSERA_INFERENCE_THREADS: 'inferenceThreads',
  TESSERA_SEARCH_INDEX: 'searchIndex',
  TESSERA_INDEX_ANN_THRESHOLD: 'indexAnnThreshold',
  TESSERA_INDEX_EF_SEARCH: 'indexEfSearch',
  TESSERA_INDEX_LOG_RETENTION: 'indexLogRetention',
};

/** Values never echoed in an error message. */
const SECRET_KEYS = new Set<keyof TesseraConfig>(['bootstrapApiKey', 'databaseUrl', 'redisUrl', 'secretsKey', 's3AccessKeyId', 's3SecretAccessKey', 'signingKey']);
const INTEGER_KEYS = new Set<keyof TesseraConfig>([
  'port',
  'bodyLimit',
  'cacheTtlMs',
  'databaseStatementTimeoutMs',
  'databaseConnectTimeoutMs',
  'databasePoolSize',
  'databaseIdleTimeoutMs',
  'requestTimeoutMs',
  'headersTimeoutMs',
  'keepAliveTimeoutMs',
  'redisConnectTimeoutMs',
  'redisCommandTimeoutMs',
  'authFailureLimit',
  'fetchTimeoutMs',
  'fetchMaxRedirects',
  'workerConcurrency',
  'jobPollIntervalMs',
  'jobLeaseMs',
  'jobShutdownTimeoutMs',
  'inferenceThreads',
  'webhookMaxAttempts',
  'webhookRetryBaseMs',
  'batchChunkSize',
  'indexAnnThreshold',
  'indexEfSearch',
  'indexLogRetention',
]);
/** Comma-separated lists. */
const LIST_KEYS = new Set<keyof TesseraConfig>(['fetchAllowHosts', 'fetchAllowCidrs']);
const BOOLEAN_KEYS = new Set<keyof TesseraConfig>(['migrateOnStart', 'rateLimiting', 'usageAccounting', 's3ForcePathStyle', 'strictRequests', 'runJobsInApi', 'allowModelDownload']);
const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false, on: true, off: false };

const ENV_NAME_OF: Record<string, string> = Object.fromEntries(Object.entries(ENV_KEYS).map(([e, k]) => [k, e]));

/** Reads the environment, converting numbers and booleans, then validates. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TesseraConfig {
  const raw: Record<string, unknown> = {};
  for (const [envKey, key] of Object.entries(ENV_KEYS)) {
    const value = env[envKey];
    if (value === undefined || value === '') continue;
    // Convert only exact forms: "1e3" or "8080.9" for PORT stays a string and fails validation by name.
    if (INTEGER_KEYS.has(key) && /^\d+$/.test(value)) raw[key] = Number(value);
    else if (LIST_KEYS.has(key)) raw[key] = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    else if (BOOLEAN_KEYS.has(key) && value.toLowerCase() in BOOLEAN_WORDS) raw[key] = BOOLEAN_WORDS[value.toLowerCase()];
    else raw[key] = value;
  }
  return validateConfig(raw as Partial<TesseraConfig>);
}

/** Loads config from the environment, printing a clear message (exit 2) when it is invalid: server, worker and CLI start with it. */
export function configOrExit(): TesseraConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** TESSERA_MODELS_DIR, or <dataDir>/models when unset. */
export function modelsDirOf(config: Pick<TesseraConfig, 'dataDir' | 'modelsDir'>): string {
  return config.modelsDir ?? path.join(config.dataDir, 'models');
}

/** Names of the environment variables, for docs and error messages. */
export const ENVIRONMENT_VARIABLES = Object.keys(ENV_KEYS);

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

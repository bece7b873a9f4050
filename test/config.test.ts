import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, ENVIRONMENT_VARIABLES, loadConfig, modelsDirOf, validateConfig } from '../src/config.ts';
import { runNode, SERVER_ARGS } from './helpers/run-node.ts';
import { BACKEND } from './helpers/test-app.ts';


/** Asserts a ConfigError whose message names the environment variable. */
function assertRejected(fn: () => unknown, envName: string, also?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.match(err.message, /^Invalid Tessera configuration/);
    assert.ok(err.message.includes(envName), `message names ${envName}:\n${err.message}`);
    if (also) assert.match(err.message, also);
    return true;
  });
}

/** The parent's environment without any setting Tessera reads, so a developer's shell cannot leak in. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) env[k] = v;
  return { ...env, ...extra };
}


describe(`loadConfig / validateConfig reject bad values [${BACKEND}]`, () => {
  const cases: [Record<string, string>, string, RegExp?][] = [
    [{ PORT: 'abc' }, 'PORT', /integer/],
    [{ PORT: '70000' }, 'PORT', /65535/],
    [{ PORT: '-1' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /"loud"/],
    [{ TESSERA_DATABASE_URL: 'mysql://x' }, 'TESSERA_DATABASE_URL', /postgres/],
    [{ TESSERA_BOOTSTRAP_API_KEY: 'short' }, 'TESSERA_BOOTSTRAP_API_KEY'],
    [{ TESSERA_BOOTSTRAP_API_KEY: 'sk_has spaces in it!!!!!' }, 'TESSERA_BOOTSTRAP_API_KEY'],
    [{ TESSERA_DATABASE_SCHEMA: 'Bad-Name' }, 'TESSERA_DATABASE_SCHEMA'],
    [{ TESSERA_DATABASE_SCHEMA: 'x; DROP SCHEMA public' }, 'TESSERA_DATABASE_SCHEMA'],
    [{ TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'not-an-email' }, 'TESSERA_BOOTSTRAP_ADMIN_EMAIL'],
    [{ TESSERA_BODY_LIMIT: '10' }, 'TESSERA_BODY_LIMIT', /1024/],
    [{ TESSERA_MIGRATE_ON_START: 'maybe' }, 'TESSERA_MIGRATE_ON_START'],
    [{ TESSERA_PUBLIC_URL: 'ftp://example.com' }, 'TESSERA_PUBLIC_URL'],
    [{ TESSERA_DATABASE_STATEMENT_TIMEOUT_MS: '5s' }, 'TESSERA_DATABASE_STATEMENT_TIMEOUT_MS', /integer/],
    [{ TESSERA_DATABASE_CONNECT_TIMEOUT_MS: '0' }, 'TESSERA_DATABASE_CONNECT_TIMEOUT_MS', /100/],
    [{ TESSERA_DATABASE_POOL_SIZE: '0' }, 'TESSERA_DATABASE_POOL_SIZE', /1/],
    [{ TESSERA_BLOB_STORE: 'gcs' }, 'TESSERA_BLOB_STORE', /filesystem or s3/],
    [{ TESSERA_BLOB_STORE: 's3' }, 'TESSERA_S3_BUCKET', /Required when TESSERA_BLOB_STORE=s3/],
    [{ TESSERA_S3_BUCKET: 'Bad_Bucket' }, 'TESSERA_S3_BUCKET'],
    [{ TESSERA_S3_ENDPOINT: 'minio:9000' }, 'TESSERA_S3_ENDPOINT'],
    [{ TESSERA_S3_FORCE_PATH_STYLE: 'sometimes' }, 'TESSERA_S3_FORCE_PATH_STYLE'],
    [{ TESSERA_S3_KEY_PREFIX: '../up' }, 'TESSERA_S3_KEY_PREFIX'],
    [{ TESSERA_S3_KEY_PREFIX: 'a//b' }, 'TESSERA_S3_KEY_PREFIX'],
    [{ TESSERA_S3_ACCESS_KEY_ID: 'AKID' }, 'TESSERA_S3_SECRET_ACCESS_KEY', /together/],
    [{ TESSERA_S3_SECRET_ACCESS_KEY: 'shh' }, 'TESSERA_S3_ACCESS_KEY_ID', /together/],
    [{ TESSERA_SIGNING_KEY: 'short' }, 'TESSERA_SIGNING_KEY', /32-byte key/],
    [{ TESSERA_INFERENCE_THREADS: '0' }, 'TESSERA_INFERENCE_THREADS', /1/],
    [{ TESSERA_INFERENCE_THREADS: '65' }, 'TESSERA_INFERENCE_THREADS', /64/],
    [{ TESSERA_INFERENCE_THREADS: 'many' }, 'TESSERA_INFERENCE_THREADS', /integer/],
    [{ TESSERA_ALLOW_MODEL_DOWNLOAD: 'perhaps' }, 'TESSERA_ALLOW_MODEL_DOWNLOAD'],
    [{ TESSERA_SEARCH_INDEX: 'faiss' }, 'TESSERA_SEARCH_INDEX', /auto, embedded or pgvector/],
    [{ TESSERA_SEARCH_INDEX: 'pgvector' }, 'TESSERA_SEARCH_INDEX', /requires TESSERA_DATABASE_URL/],
  ];
  for (const [env, name, also] of cases) {
    test(`${JSON.stringify(env)} names ${name}`, () => {
      assertRejected(() => loadConfig(env), name, also);
    });
  }

  test('every bad setting is named at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', TESSERA_DATABASE_SCHEMA: 'Bad-Name' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        for (const name of ['PORT', 'LOG_LEVEL', 'TESSERA_DATABASE_SCHEMA']) assert.ok(err.message.includes(name), `${name} in:\n${err.message}`);
        return true;
      },
    );
  });

  test('validateConfig names the variable for a typed value too', () => {
    assertRejected(() => validateConfig({ port: 70000 }), 'PORT');
    assertRejected(() => validateConfig({ logLevel: 'loud' as never }), 'LOG_LEVEL');
    assertRejected(() => validateConfig({ databaseUrl: 'mysql://x' }), 'TESSERA_DATABASE_URL');
    assertRejected(() => validateConfig({ databaseSchema: 'Bad-Name' }), 'TESSERA_DATABASE_SCHEMA');
  });

  test(
    'numbers are read exactly: PORT=1e3 or PORT=8080.9 is not silently truncated',

    () => {
      for (const [value, truncated] of [['1e3', 1], ['8080.9', 8080], ['true', 1]] as const) {
        let port: number | undefined;
        try {
          port = loadConfig({ PORT: value }).port;
        } catch (err) {
          assert.ok(err instanceof ConfigError);
          continue;
        }
        assert.notEqual(port, truncated, `PORT=${value} became ${port}`);
      }
    },
  );
});

describe(`loadConfig / validateConfig accept good values [${BACKEND}]`, () => {
  test('defaults: port 8000 on 127.0.0.1, SQLite in ./data, schema public, info logging', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.ok(path.isAbsolute(config.dataDir));
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.databaseSchema, 'public');
    assert.equal(config.bootstrapApiKey, undefined);
    assert.equal(config.bootstrapAdminEmail, 'admin@tessera.local');
    assert.equal(config.bootstrapOrganizationName, 'Default Organization');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.bodyLimit, 10 * 1024 * 1024);
    assert.equal(config.migrateOnStart, true);
    assert.equal(config.publicUrl, undefined);
    assert.equal(config.strictRequests, false);
    assert.equal(config.searchIndex, 'auto');
    assert.deepEqual(validateConfig({}), config);
  });

  test('environment strings are converted to numbers and booleans', () => {
    const key = 'sk_configured_key_0123456789';
    const config = loadConfig({
      PORT: '9001',
      HOST: '0.0.0.0',
      TESSERA_DATA_DIR: 'relative/dir',
      TESSERA_DATABASE_URL: 'postgresql://user@db:5432/tessera',
      TESSERA_DATABASE_SCHEMA: 'tessera_prod',
      TESSERA_BOOTSTRAP_API_KEY: key,
      TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com',
      TESSERA_BOOTSTRAP_ORG_NAME: 'Acme',
      LOG_LEVEL: 'warn',
      TESSERA_BODY_LIMIT: '4096',
      TESSERA_MIGRATE_ON_START: 'false',
      TESSERA_PUBLIC_URL: 'https://api.example.com',
      TESSERA_REDIS_URL: 'redis://cache:6379/2',
      TESSERA_REDIS_PREFIX: 'acme:',
      TESSERA_RATE_LIMITING: 'off',
      TESSERA_USAGE_ACCOUNTING: 'false',
      TESSERA_CACHE_TTL_MS: '0',
      TESSERA_DATABASE_STATEMENT_TIMEOUT_MS: '2500',
      TESSERA_DATABASE_CONNECT_TIMEOUT_MS: '1500',
      TESSERA_DATABASE_POOL_SIZE: '20',
      TESSERA_DATABASE_IDLE_TIMEOUT_MS: '0',
      TESSERA_REQUEST_TIMEOUT_MS: '20000',
      TESSERA_HEADERS_TIMEOUT_MS: '5000',
      TESSERA_KEEP_ALIVE_TIMEOUT_MS: '65000',
      TESSERA_REDIS_CONNECT_TIMEOUT_MS: '5000',
      TESSERA_REDIS_COMMAND_TIMEOUT_MS: '100',
      TESSERA_REDIS_FAILURE_MODE: 'closed',
      TESSERA_AUTH_FAILURE_LIMIT: '0',
      TESSERA_FETCH_ALLOW_HOSTS: 'media.lan,nas.local',
      TESSERA_FETCH_ALLOW_CIDRS: '10.0.0.0/8, fd00::/8',
      TESSERA_FETCH_TIMEOUT_MS: '5000',
      TESSERA_FETCH_MAX_REDIRECTS: '2',
      TESSERA_JOB_QUEUE: 'redis',
      TESSERA_WORKER_CONCURRENCY: '8',
      TESSERA_JOB_POLL_INTERVAL_MS: '250',
      TESSERA_JOB_LEASE_MS: '60000',
      TESSERA_JOB_SHUTDOWN_TIMEOUT_MS: '0',
      TESSERA_WEBHOOK_MAX_ATTEMPTS: '3',
      TESSERA_WEBHOOK_RETRY_BASE_MS: '500',
      TESSERA_RUN_JOBS_IN_API: 'yes',
      TESSERA_BATCH_CHUNK_SIZE: '50',
      TESSERA_BLOB_STORE: 's3',
      TESSERA_S3_ENDPOINT: 'http://minio:9000',
      TESSERA_S3_REGION: 'eu-west-3',
      TESSERA_S3_BUCKET: 'acme-blobs',
      TESSERA_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      TESSERA_S3_SECRET_ACCESS_KEY: 'secret/example',
      TESSERA_S3_FORCE_PATH_STYLE: 'true',
      TESSERA_S3_KEY_PREFIX: 'prod/',
      TESSERA_STRICT_REQUESTS: 'true',
      TESSERA_MODELS_DIR: 'relative/models',
      TESSERA_ALLOW_MODEL_DOWNLOAD: 'true',
      TESSERA_INFERENCE_THREADS: '4',
      TESSERA_SEARCH_INDEX: 'pgvector',
      TESSERA_INDEX_ANN_THRESHOLD: '20000',
      TESSERA_INDEX_EF_SEARCH: '600',
      TESSERA_INDEX_LOG_RETENTION: '0',
    });
    assert.deepEqual(config, {
      searchIndex: 'pgvector',
      modelsDir: path.resolve('relative/models'),
      allowModelDownload: true,
      inferenceThreads: 4,
      indexAnnThreshold: 20000,
      indexEfSearch: 600,
      indexLogRetention: 0,
      strictRequests: true,
      fetchAllowHosts: ['media.lan', 'nas.local'],
      fetchAllowCidrs: ['10.0.0.0/8', 'fd00::/8'],
      fetchTimeoutMs: 5000,
      fetchMaxRedirects: 2,
      blobStore: 's3',
      s3Endpoint: 'http://minio:9000',
      s3Region: 'eu-west-3',
      s3Bucket: 'acme-blobs',
      s3AccessKeyId: 'AKIDEXAMPLE',
      s3SecretAccessKey: 'secret/example',
      s3ForcePathStyle: true,
      s3KeyPrefix: 'prod/',
      redisUrl: 'redis://cache:6379/2',
      redisKeyPrefix: 'acme:',
      rateLimiting: false,
      usageAccounting: false,
      cacheTtlMs: 0,
      redisConnectTimeoutMs: 5000,
      redisCommandTimeoutMs: 100,
      redisFailureMode: 'closed',
      authFailureLimit: 0,
      port: 9001,
      host: '0.0.0.0',
      dataDir: path.resolve('relative/dir'),
      databaseUrl: 'postgresql://user@db:5432/tessera',
      databaseSchema: 'tessera_prod',
      databaseStatementTimeoutMs: 2500,
      databaseConnectTimeoutMs: 1500,
      databasePoolSize: 20,
      databaseIdleTimeoutMs: 0,
      bootstrapApiKey: key,
      bootstrapAdminEmail: 'ops@example.com',
      bootstrapOrganizationName: 'Acme',
      logLevel: 'warn',
      bodyLimit: 4096,
      migrateOnStart: false,
      publicUrl: 'https://api.example.com',
      requestTimeoutMs: 20_000,
      headersTimeoutMs: 5_000,
      keepAliveTimeoutMs: 65_000,
      jobQueue: 'redis',
      workerConcurrency: 8,
      jobPollIntervalMs: 250,
      jobLeaseMs: 60_000,
      jobShutdownTimeoutMs: 0,
      webhookMaxAttempts: 3,
      webhookRetryBaseMs: 500,
      runJobsInApi: true,
      batchChunkSize: 50,
    });
    assert.equal(loadConfig({ TESSERA_MIGRATE_ON_START: 'true' }).migrateOnStart, true);
    assert.equal(loadConfig({ PORT: '0' }).port, 0);
    assert.equal(loadConfig({ PORT: '65535' }).port, 65535);
  });

  test('Redis fault settings have bounded defaults and name themselves when wrong', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.redisConnectTimeoutMs, 2000);
    assert.equal(defaults.redisCommandTimeoutMs, 250);
    assert.equal(defaults.redisFailureMode, 'open');
    assert.equal(defaults.authFailureLimit, 100);
    assert.throws(() => loadConfig({ TESSERA_REDIS_FAILURE_MODE: 'sometimes' }), /TESSERA_REDIS_FAILURE_MODE \(redisFailureMode\): Expected open or closed/);
    assert.throws(() => loadConfig({ TESSERA_REDIS_COMMAND_TIMEOUT_MS: '0' }), /TESSERA_REDIS_COMMAND_TIMEOUT_MS/);
  });

  test('job queue settings: defaults, and redis requires TESSERA_REDIS_URL', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.jobQueue, 'database');
    assert.equal(defaults.workerConcurrency, 4);
    assert.equal(defaults.jobLeaseMs, 30_000);
    assert.equal(defaults.runJobsInApi, undefined);
    assert.throws(() => loadConfig({ TESSERA_JOB_QUEUE: 'redis' }), /TESSERA_JOB_QUEUE \(jobQueue\): redis requires TESSERA_REDIS_URL/);
    assert.throws(() => loadConfig({ TESSERA_JOB_QUEUE: 'kafka' }), /TESSERA_JOB_QUEUE \(jobQueue\): Expected database or redis/);
    assert.throws(() => loadConfig({ TESSERA_WORKER_CONCURRENCY: '0' }), /TESSERA_WORKER_CONCURRENCY/);
    assert.throws(() => loadConfig({ TESSERA_JOB_LEASE_MS: '50' }), /TESSERA_JOB_LEASE_MS/);
  });

  test('models: <data dir>/models, offline, one inference thread by default', () => {
    const defaults = loadConfig({ TESSERA_DATA_DIR: 'some/data' });
    assert.equal(defaults.modelsDir, undefined);
    assert.equal(modelsDirOf(defaults), path.resolve('some/data', 'models'));
    assert.equal(defaults.allowModelDownload, false);
    assert.equal(defaults.inferenceThreads, 1);
    assert.equal(modelsDirOf(loadConfig({ TESSERA_MODELS_DIR: '/srv/models' })), path.resolve('/srv/models'));
  });

  test('empty variables count as unset', () => {
    const config = loadConfig({ PORT: '', LOG_LEVEL: '', TESSERA_BOOTSTRAP_API_KEY: '' });
    assert.equal(config.port, 8000);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.bootstrapApiKey, undefined);
  });

  test('validateConfig ignores undefined overrides and keeps the defaults', () => {
    const config = validateConfig({ port: undefined, bootstrapApiKey: undefined, logLevel: 'silent' });
    assert.equal(config.port, 8000);
    assert.equal(config.logLevel, 'silent');
    assert.equal('bootstrapApiKey' in config, false);
  });
});

describe(`server process with a bad environment [${BACKEND}]`, () => {
  test('exits with code 2 and prints the message on stderr', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-config-test-'));
    try {
      const { code, stdout, stderr } = await runNode(SERVER_ARGS, cleanEnv({ PORT: 'abc', TESSERA_DATA_DIR: dataDir }));
      assert.equal(code, 2, `stdout: ${stdout}\nstderr: ${stderr}`);
      assert.match(stderr, /Invalid Tessera configuration/);
      assert.match(stderr, /PORT/);
      assert.match(stderr, /"abc"/);
      assert.equal(stdout, '');
      // It stopped before touching the store.
      assert.deepEqual(fs.readdirSync(dataDir), []);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

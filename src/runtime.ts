// The runtime: everything a Tessera process needs except HTTP (store, adapters, services, logger).
// The API server, `tessera worker` and the CLI open one; src/app.ts adds Fastify on top.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { SearchIndex } from './engine/ports/search-index.ts';
import { openBlobStore, openInference, openInvalidationBus, openJobQueue, openMetadataStore, openRateLimitCounter, openSearchIndex, openSecretCipher, openUrlFetcher, openWebhookTransport, webhookDeliverySettings } from './compose.ts';
import { registerJobHandlers } from './engine/jobs/job-handlers.ts';
import { BUILTIN_EXTRACTORS, ExtractorRegistry } from './engine/extractors/extractor-registry.ts';
import type { ExtractorDefinition } from './engine/extractors/extractor-definition.ts';
import type { TesseraConfig } from './config.ts';
import { bootstrapIfEmpty, type BootstrapResult } from './engine/accounts/bootstrap.ts';
import { systemClock, type Clock } from './engine/ports/clock.ts';
import type { InvalidationBus } from './engine/ports/invalidation-bus.ts';
import type { MetadataStore } from './engine/ports/metadata-store.ts';
import type { BlobStore } from './engine/ports/blob-store.ts';
import type { RateLimitCounter } from './engine/ports/rate-limit-counter.ts';
import { createServices, type Services } from './engine/services.ts';
import type { NeuralTextModel } from './adapters/models/model-catalogue.ts';

/**
 * - api: serves requests. Bootstraps an empty store: its first start prints the generated admin key.
 * - worker: runs jobs. Never bootstraps: a key generated there would only reach a log, and a worker
 *   started before the first API process must not decide the first organization.
 * - cli: one command, then exit. No rate-limit counter and no invalidation bus (no requests to limit,
 *   nothing cached to keep coherent), no bootstrap (`tessera orgs create` provisions explicitly).
 */
export type RuntimeRole = 'api' | 'worker' | 'cli';

export interface RuntimeOptions {
  role: RuntimeRole;
  /** Default: a pino logger from config.logLevel on stdout (stderr for the CLI, whose stdout is its output). */
  logger?: Logger;
  /** Time for billing periods and grants (default: the system clock); tests move it across months. */
  clock?: Clock;
  /** Apply pending migrations first (default: config.migrateOnStart). */
  migrate?: boolean;
  /** A blob store the caller opened (tests); otherwise the configured one, if any. */
  blobStore?: BlobStore;
  /** Neural models besides the built-in catalogue (tests register a tiny model of their own). */
  extraModels?: readonly NeuralTextModel[];
  /** Extractors added to the built-in catalogue (tests: one that fails on purpose). */
  extraExtractors?: readonly ExtractorDefinition[];
}

export interface Runtime {
  config: TesseraConfig;
  role: RuntimeRole;
  store: MetadataStore;
  /** Where blob bytes live (TESSERA_BLOB_STORE). */
  blobs: BlobStore;
  services: Services;
  /** What the first start created, or null when the store was already initialised (or the role does not bootstrap). */
  bootstrap: BootstrapResult | null;
  log: Logger;
  /** Releases everything, in order; safe to call more than once. */
  close(): Promise<void>;
}

/** The process logger; the authorization header never reaches a log line. */
export function createLogger(config: TesseraConfig, destination?: DestinationStream | NodeJS.WritableStream): Logger {
  const options = { level: config.logLevel, redact: ['req.headers.authorization'] };
  return destination ? pino(options, destination as DestinationStream) : pino(options);
}

export async function openRuntime(config: TesseraConfig, options: RuntimeOptions): Promise<Runtime> {
  const { role } = options;
  const log = options.logger ?? createLogger(config, role === 'cli' ? pino.destination(2) : undefined);
  const clock = options.clock ?? systemClock;
  const store = await openMetadataStore(config, {
    onConnectionLost: (error) => log.warn({ database_error: error }, 'database connection lost; the pool opens a new one on demand'),
  });
  let counter: RateLimitCounter | undefined;
  let blobs: BlobStore | undefined;
  let bootstrap: BootstrapResult | null = null;
  let searchIndex: SearchIndex;
  try {
    if (options.migrate ?? config.migrateOnStart) await store.migrate();
    if (role === 'api') {
      bootstrap = await bootstrapIfEmpty(
        store,
        { organizationName: config.bootstrapOrganizationName, adminEmail: config.bootstrapAdminEmail, apiKey: config.bootstrapApiKey },
        clock,
      );
    }
    if (role !== 'cli') counter = await openRateLimitCounter(config, log);
    blobs = options.blobStore ?? (await openBlobStore(config, log.child({ component: 'blobs' })));
    // Here, so a required pgvector that is missing (TESSERA_SEARCH_INDEX=pgvector) closes the store on the way out.
    searchIndex = await openSearchIndex(config, store, log.child({ component: 'search-index' }));
  } catch (err) {
    await counter?.close();
    await store.close();
    throw err;
  }
  // Without a TTL there is no cache to invalidate.
  const invalidationBus: InvalidationBus | null =
    role !== 'cli' && config.cacheTtlMs > 0 ? openInvalidationBus(config, log.child({ component: 'cache-invalidation' })) : null;
  const jobQueue = openJobQueue(config, store, clock, log.child({ component: 'jobs' }), role);
  const inference = openInference(config, options.extraModels);
  let services: Services | undefined;
  try {
    services = createServices({
      store,
      jobQueue,
      invalidationBus,
      clock,
      rateLimitCounter: counter,
      rateLimiting: config.rateLimiting,
      authFailureLimit: config.authFailureLimit,
      usageAccounting: config.usageAccounting,
      cacheTtlMs: config.cacheTtlMs,
      secretCipher: openSecretCipher(config, log),
      urlFetcher: openUrlFetcher(config),
      webhookTransport: openWebhookTransport(config),
      webhookDelivery: webhookDeliverySettings(config),
      onSecretsKeyMismatch: (mismatch) => log.error(mismatch, `a stored secret could not be decrypted: check ${mismatch.key_source}`),
      onBackgroundError: (err) => log.error({ err }, 'writing request usage failed; will retry'),
      blobStore: blobs,
      inference,
      searchIndex,
      batchChunkSize: config.batchChunkSize,
      ...(options.extraExtractors ? { extractors: new ExtractorRegistry([...BUILTIN_EXTRACTORS, ...options.extraExtractors]) } : {}),
    });
    services.requestUsage?.start();
    // Refuses to start while a declared job has no handler (naming it).
    registerJobHandlers(jobQueue, services, store);
    await jobQueue.start();
  } catch (err) {
    // Everything opened so far is released, worker threads included, so a failed start exits cleanly.
    await jobQueue.close().catch(() => {});
    await inference.close().catch(() => {});
    await searchIndex.close().catch(() => {});
    await services?.requestUsage?.close();
    await invalidationBus?.close();
    await counter?.close();
    await store.close();
    throw err;
  }
  const started: Services = services;

  let closing: Promise<void> | undefined;
  return {
    config,
    role,
    store,
    blobs,
    services: started,
    bootstrap,
    log,
    close() {
      // Pending usage counts are written before the store closes: a clean shutdown loses nothing.
      closing ??= (async () => {
        // Running jobs finish (or are aborted after TESSERA_JOB_SHUTDOWN_TIMEOUT_MS) while the store is still open.
        await jobQueue.close();
        await inference.close();
        await searchIndex.close();
        // Buffered execution history is written and unused reserved credits go back before the store closes.
        await started.retrieverExecutions.close().catch((err: unknown) => log.error({ err }, 'writing the retriever executions history failed'));
        await started.creditReservations.close().catch((err: unknown) => log.error({ err }, 'releasing reserved credits failed'));
        await started.requestUsage?.close();
        await invalidationBus?.close();
        await counter?.close();
        await blobs.close();
        await store.close();
      })();
      return closing;
    },
  };
}

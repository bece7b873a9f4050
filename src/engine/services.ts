// The engine's public face: everything the API layer may call, built over the ports.
import { ApiKeyService } from './accounts/api-key-service.ts';
import { Authenticator } from './accounts/authenticator.ts';
import { OrganizationService } from './accounts/organization-service.ts';
import { UserService } from './accounts/user-service.ts';
import { CreditService } from './billing/credit-service.ts';
import { CreditReservations } from './billing/credit-reservations.ts';
import { UsageService } from './billing/usage-service.ts';
import { HealthService } from './health/health-service.ts';
import { AuthFailureThrottle } from './limits/auth-failure-throttle.ts';
import { RateLimitPolicy } from './limits/rate-limit-policy.ts';
import type { Clock } from './ports/clock.ts';
import type { MetadataStore } from './ports/metadata-store.ts';
import type { RateLimitCounter } from './ports/rate-limit-counter.ts';
import { RequestUsageRecorder } from './usage/request-usage-recorder.ts';
import { AccountReadCache } from './cache/account-read-cache.ts';
import { keepCacheCoherent } from './cache/cache-coherence.ts';
import type { InvalidationBus } from './ports/invalidation-bus.ts';
import type { SecretCipher } from './ports/secret-cipher.ts';
import type { UrlFetcher } from './ports/url-fetcher.ts';
import { SecretService, type KeyMismatch } from './secrets/secret-service.ts';
import { NamespaceResolution } from './scope/namespace-resolution.ts';
import { NamespaceService, type NamespaceDeletionScheduler } from './namespaces/namespace-service.ts';
import { ExtractorRegistry } from './extractors/extractor-registry.ts';
import { CollectionService } from './collections/collection-service.ts';
import { ServiceUnavailableError } from './errors.ts';
import type { BlobStore } from './ports/blob-store.ts';
import { BlobTransferService } from './blobs/blob-transfer-service.ts';
import { BucketService, type BucketDeletionScheduler } from './buckets/bucket-service.ts';
import { BlobIntake } from './objects/blob-intake.ts';
import { ObjectService, type UploadResolver } from './objects/object-service.ts';
import { UploadService } from './uploads/upload-service.ts';
import type { UploadConfirmScheduler } from './uploads/upload-seams.ts';
import { UPLOAD_CREDITS_PER_STARTED_MB } from './uploads/upload-rules.ts';
import { objectsAsUploadNeighbours, uploadsAsResolver } from './uploads/upload-wiring.ts';

import type { JobQueue } from './ports/job-queue.ts';
import { TaskService } from './tasks/task-service.ts';
import { queuedOperations, UNQUEUED } from './jobs/queued-operations.ts';
import type { InferencePort } from './ports/inference.ts';
import type { SearchIndex } from './ports/search-index.ts';
import { DocumentService } from './documents/document-service.ts';
import { DocumentLineageService } from './documents/document-lineage.ts';
import { NO_EVENTS, type EventPublisher } from './events/platform-event.ts';
import { WebhookTransportError, type WebhookTransport } from './ports/webhook-transport.ts';
import { WebhookService } from './webhooks/webhook-service.ts';
import { WebhookSealing } from './webhooks/webhook-sealing.ts';
import { WebhookEventPublisher } from './webhooks/webhook-publisher.ts';
import { DEFAULT_DELIVERY_SETTINGS, WebhookDeliverer, type DeliverySettings } from './webhooks/webhook-deliverer.ts';
import { BatchService, DEFAULT_CHUNK_SIZE } from './batches/batch-service.ts';
import { BatchCoordinator } from './batches/batch-coordinator.ts';
import { ChunkRunner } from './batches/chunk-runner.ts';
import { StageRegistry } from './retrievers/stages/stage-registry.ts';
import { RetrieverExecutor } from './retrievers/retriever-executor.ts';
import { RetrieverService } from './retrievers/retriever-service.ts';
import { RetrieverExecutionService } from './retrievers/retriever-execution-service.ts';

/** Without a URL fetcher (processes that fetch nothing), a URL blob is refused as unavailable. */
const NO_URL_FETCHER: UrlFetcher = {
  fetch: async () => {
    throw new ServiceUnavailableError('URL blobs need the URL fetcher, which is not configured in this process', 5);
  },
};

/** Without a transport (processes that send nothing), a delivery attempt fails as unreachable and is retried. */
const NO_WEBHOOK_TRANSPORT: WebhookTransport = {
  post: async () => {
    throw new WebhookTransportError('this process has no webhook transport configured', 'unreachable', 'connection_failed');
  },
};

export interface Services {
  authenticator: Authenticator;
  organizations: OrganizationService;
  users: UserService;
  apiKeys: ApiKeyService;
  credits: CreditService;
  /** Small per-request charges (searches) from reserved blocks; released on close. */
  creditReservations: CreditReservations;
  usage: UsageService;
  secrets: SecretService;
  /** Moves a request's or a job's scope into a namespace (X-Namespace, a job's namespace_id). */
  namespaceResolution: NamespaceResolution;
  /** Namespaces themselves: create, read, change, list, delete. Also the directory namespaceResolution looks names up in. */
  namespaces: NamespaceService;
  /** Buckets of a namespace. */
  buckets: BucketService;
  /** Objects of a bucket, their blobs through BlobIntake. */
  objects: ObjectService;
  /** Presigned uploads (SPEC §9). */
  uploads: UploadService;
  /** The feature extractor catalogue (SPEC §14). */
  extractors: ExtractorRegistry;
  /** Collections of a namespace (SPEC §12). */
  collections: CollectionService;
  /** Documents of a collection (SPEC §13): CRUD, lists, batch/bulk updates and deletes, aggregation. */
  documents: DocumentService;
  /** Lineage of documents and objects (SPEC §13.3). */
  documentLineage: DocumentLineageService;
  /** null when rate limiting is switched off. */
  rateLimits: RateLimitPolicy | null;
  /** Failed authentications per client address; null when switched off (limit 0). */
  authFailures: AuthFailureThrottle | null;
  /** null when usage accounting is switched off. */
  requestUsage: RequestUsageRecorder | null;
  /** Spend credits on requests (off: nothing is charged, for single-user setups and benchmarks). */
  chargeCredits: boolean;
  health: HealthService;
  clock: Clock;
  /** Asynchronous operations' records (GET/DELETE /v1/tasks/{id}, POST /v1/tasks/list). */
  tasks: TaskService;
  /** Background jobs: enqueue (in a transaction: enqueueIn) and register handlers; null when the runtime opened no queue. */
  jobs: JobQueue | null;
  /** Where blob bytes live; null in processes opened without one. */
  blobs: BlobStore | null;
  /** The filesystem store's presigned transfers; null without a blob store. */
  blobTransfers: BlobTransferService | null;
  /** Models: the only way extractors embed (built-in lexical embedder; transformers models from TESSERA_MODELS_DIR). */
  inference: InferencePort;
  /** Platform events for webhooks, published with the change they describe. */
  events: EventPublisher;
  /** Organization webhooks (SPEC §19). */
  webhooks: WebhookService;
  /** Runs one attempt of a webhook delivery (the 'webhook.deliver' job). */
  webhookDeliveries: WebhookDeliverer;
  /** Batches of a bucket's objects (SPEC §10): CRUD, submit, cancel, retry. */
  batches: BatchService;
  /** What the batch jobs run: the coordinator ('batch.advance') and the chunk runner ('batch.process-chunk'). */
  batchProcessing: { coordinator: BatchCoordinator; chunks: ChunkRunner };
  /** Vectors and text of documents, searchable (compose.ts openSearchIndex: embedded or pgvector). */
  searchIndex: SearchIndex;
  /** The retriever stage catalogue (SPEC §16; GET /v1/retrievers/stages). */
  stages: StageRegistry;
  /** Retrievers of a namespace (SPEC §15.1): CRUD and clone. */
  retrievers: RetrieverService;
  /** Executing retrievers, stored or ad-hoc, with credits and the executions history (SPEC §15.2–15.3). */
  retrieverExecutions: RetrieverExecutionService;
}

export interface ServiceDependencies {
  store: MetadataStore;
  clock: Clock;
  /** Absent when neither rate limits nor failed-authentication throttling are on. */
  rateLimitCounter?: RateLimitCounter | undefined;
  /** Enforce the per-category limits with rateLimitCounter (default true when it is given). */
  rateLimiting?: boolean;
  /** Failed authentications per address and window before the address is refused; 0 = off. */
  authFailureLimit?: number;
  usageAccounting: boolean;
  onBackgroundError?: (err: unknown) => void;
  /**
   * How long a cached read may be served at most; 0 = no cache. Without an invalidation bus, how
   * long other processes' writes may take to show here.
   */
  cacheTtlMs: number;
  /** Carries committed changes to and from the other API processes (Redis); absent: this process only. */
  invalidationBus?: InvalidationBus | null | undefined;
  secretCipher: SecretCipher;
  /** Schedules the cascade of a deleted namespace on the job queue. */
  namespaceDeletions?: NamespaceDeletionScheduler;
  /** A stored secret did not decrypt: for the log, naming the key source to check. */
  onSecretsKeyMismatch?: (mismatch: KeyMismatch) => void;
  /** Fetches URL blobs (public addresses only, see src/lib/safe-fetch.ts); absent where nothing fetches. */
  urlFetcher?: UrlFetcher;
  /** The job queue the runtime opened (compose.ts picks the adapter); absent: services.jobs is null. */
  jobQueue?: JobQueue | null;
  /** Where blob bytes live (filesystem or S3); absent in processes that handle none. */
  blobStore?: BlobStore | undefined;
  /** Schedules the cascade of a deleted bucket (purgeBucket) on the job queue. */
  bucketDeletions?: BucketDeletionScheduler;
  /** Resolves upload_id blobs to confirmed uploads; absent: an upload_id is a 400 (unknown upload). */
  uploadResolver?: UploadResolver;
  /** Schedules asynchronous upload confirmations ('upload.confirm') on the job queue. */
  uploadConfirmations?: UploadConfirmScheduler;
  /** The models this process can run (compose.ts openInference). */
  inference: InferencePort;
  /** Absent: webhook deliveries on the job queue when there is one (WebhookEventPublisher), else nowhere (NO_EVENTS). */
  events?: EventPublisher;
  /** Where webhook deliveries are POSTed (safe-fetch: public addresses only unless allowed). */
  webhookTransport?: WebhookTransport;
  /** Attempts and backoff of webhook deliveries (TESSERA_WEBHOOK_MAX_ATTEMPTS, TESSERA_WEBHOOK_RETRY_BASE_MS). */
  webhookDelivery?: DeliverySettings;
  /** Objects per batch chunk job (TESSERA_BATCH_CHUNK_SIZE). */
  batchChunkSize?: number;
  /** The extractor catalogue (default: the built-in extractors; tests add their own). */
  extractors?: ExtractorRegistry;
  /** The search index (compose.ts openSearchIndex). */
  searchIndex: SearchIndex;
}

export function createServices(deps: ServiceDependencies): Services {
  const cache = new AccountReadCache(deps.cacheTtlMs);
  const { store, clock } = deps;
  keepCacheCoherent(store, cache, deps.invalidationBus ?? null);
  const credits = new CreditService(store, clock);
  const tasks = new TaskService(store, clock);
  const queued = deps.jobQueue ? queuedOperations(tasks, deps.jobQueue, clock) : UNQUEUED;
  const events = deps.events ?? (deps.jobQueue ? new WebhookEventPublisher(deps.jobQueue, clock) : NO_EVENTS);
  const sealing = new WebhookSealing(deps.secretCipher, deps.onSecretsKeyMismatch);
  const extractors = deps.extractors ?? new ExtractorRegistry();
  const namespaces = new NamespaceService(store, clock, deps.namespaceDeletions ?? queued.namespaceDeletions, extractors, deps.inference);
  const namespaceResolution = new NamespaceResolution(namespaces);
  const buckets = new BucketService(store, clock, namespaceResolution, deps.bucketDeletions ?? queued.bucketDeletions);
  const blobStore = deps.blobStore ?? null;
  const intake = blobStore ? new BlobIntake({ blobStore, urlFetcher: deps.urlFetcher ?? NO_URL_FETCHER, clock }) : null;
  // Objects resolve upload_id blobs through uploads, and uploads make objects: bound late.
  let uploads: UploadService | undefined;
  // Objects submit batches (auto_process) and batches read objects: bound late.
  let batches: BatchService | undefined;
  const objects = new ObjectService(store, clock, buckets, intake, blobStore, deps.uploadResolver ?? uploadsAsResolver(() => uploads!), events, () => batches!);
  const uploadNeighbours = objectsAsUploadNeighbours(objects, store);
  uploads = new UploadService(store, clock, credits, blobStore, uploadNeighbours.buckets, uploadNeighbours.objects, deps.uploadConfirmations ?? queued.uploadConfirmations, {
    chargeCredits: deps.usageAccounting,
    creditsPerStartedMb: UPLOAD_CREDITS_PER_STARTED_MB,
  });
  const batchProcessingDeps = {
    store,
    clock,
    credits,
    chargeCredits: deps.usageAccounting,
    inference: deps.inference,
    events,
    blobs: blobStore,
    jobs: queued.batchJobs,
    tasks,
    extractors,
    searchIndex: deps.searchIndex,
  };
  batches = new BatchService(store, clock, objects, tasks, queued.batchJobs, { chunkSize: deps.batchChunkSize ?? DEFAULT_CHUNK_SIZE });
  const stages = new StageRegistry();
  const retrievers = new RetrieverService(store, clock, stages);
  const executor = new RetrieverExecutor({ store, searchIndex: deps.searchIndex, inference: deps.inference, clock, stages });
  const creditReservations = new CreditReservations(credits, undefined, undefined, deps.onBackgroundError);
  const retrieverExecutions = new RetrieverExecutionService({
    store,
    retrievers,
    stages,
    runner: executor,
    reservations: creditReservations,
    chargeCredits: deps.usageAccounting,
    ...(deps.onBackgroundError ? { onBackgroundError: deps.onBackgroundError } : {}),
  });
  const requestUsage = deps.usageAccounting ? new RequestUsageRecorder(store.requestUsage, 1000, deps.onBackgroundError) : null;
  return {
    authenticator: new Authenticator(store, clock, cache),
    organizations: new OrganizationService(store, credits, clock, cache),
    users: new UserService(store, clock),
    apiKeys: new ApiKeyService(store, clock),
    credits,
    creditReservations,
    usage: new UsageService(store, clock, requestUsage, credits),
    secrets: new SecretService(store.secrets, deps.secretCipher, clock, deps.onSecretsKeyMismatch),
    namespaceResolution,
    namespaces,
    buckets,
    objects,
    uploads,
    extractors,
    collections: new CollectionService(store, clock, extractors, events),
    documents: new DocumentService(store, clock),
    documentLineage: new DocumentLineageService(store, namespaceResolution),
    rateLimits: deps.rateLimitCounter && deps.rateLimiting !== false ? new RateLimitPolicy(deps.rateLimitCounter) : null,
    authFailures: deps.rateLimitCounter && deps.authFailureLimit ? new AuthFailureThrottle(deps.rateLimitCounter, deps.authFailureLimit) : null,
    requestUsage,
    chargeCredits: deps.usageAccounting,
    health: new HealthService(store, deps.rateLimitCounter),
    clock,
    tasks,
    jobs: deps.jobQueue ?? null,
    blobs: deps.blobStore ?? null,
    blobTransfers: deps.blobStore ? new BlobTransferService(deps.blobStore, clock) : null,
    inference: deps.inference,
    events,
    webhooks: new WebhookService(store, sealing, clock),
    webhookDeliveries: new WebhookDeliverer(store, sealing, deps.webhookTransport ?? NO_WEBHOOK_TRANSPORT, deps.jobQueue ?? null, clock, deps.webhookDelivery ?? DEFAULT_DELIVERY_SETTINGS),
    batches,
    batchProcessing: { coordinator: new BatchCoordinator(batchProcessingDeps), chunks: new ChunkRunner(batchProcessingDeps) },
    searchIndex: deps.searchIndex,
    stages,
    retrievers,
    retrieverExecutions,
  };
}

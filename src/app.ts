// Builds the Fastify app over a runtime, without listening: server.ts, tests and benchmarks call this.
import type { BlobStore } from './engine/ports/blob-store.ts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import './api/decorations.ts';
import { installErrorHandlers } from './api/errors/error-handler.ts';
import { clientErrorHandler } from './api/errors/client-error.ts';
import { errorBody, sendError } from './api/errors/render.ts';
import { createRouteIndex } from './api/errors/route-index.ts';
import { registerOpenApi } from './api/openapi.ts';
import { enforceCatalogue } from './api/plugins/operation-policy.ts';
import apiKeyRoutes from './api/routes/v1/api-keys/index.ts';
import billingRoutes from './api/routes/v1/billing/index.ts';
import usageRoutes from './api/routes/v1/usage/index.ts';
import healthRoutes from './api/routes/v1/health/index.ts';
import organizationRoutes from './api/routes/v1/organizations/index.ts';
import userRoutes from './api/routes/v1/users/index.ts';
import secretRoutes from './api/routes/v1/secrets/index.ts';
import webhookRoutes from './api/routes/v1/webhooks/index.ts';
import namespaceRoutes from './api/routes/v1/namespaces/index.ts';
import taskRoutes from './api/routes/v1/tasks/index.ts';
import bucketRoutes from './api/routes/v1/buckets/index.ts';
import collectionRoutes from './api/routes/v1/collections/index.ts';
import objectRoutes from './api/routes/v1/objects/index.ts';
import blobTransferRoutes from './api/routes/v1/blob-transfer/index.ts';
import uploadRoutes from './api/routes/v1/uploads/index.ts';
import documentRoutes, { documentLineage as documentLineageRoutes } from './api/routes/v1/documents/index.ts';
import objectLineageRoutes from './api/routes/v1/object-lineage/index.ts';
import batchRoutes from './api/routes/v1/batches/index.ts';
import retrieverRoutes from './api/routes/v1/retrievers/index.ts';
import { SHARED_SCHEMAS } from './api/schemas/index.ts';
import { createValidatorCompiler } from './api/validation.ts';
import { cachingSerializerFactory } from './api/serialization.ts';
import type { Clock } from './engine/ports/clock.ts';
import type { ExtractorDefinition } from './engine/extractors/extractor-definition.ts';
import type { TesseraConfig } from './config.ts';
import type { BootstrapResult } from './engine/accounts/bootstrap.ts';
import type { MetadataStore } from './engine/ports/metadata-store.ts';
import { createLogger, openRuntime, type Runtime, type RuntimeOptions } from './runtime.ts';
import { ServiceUnavailableError } from './engine/errors.ts';
import { newRequestId } from './lib/ids.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the first start created, or null when the store was already initialised. */
    bootstrap: BootstrapResult | null;
    metadataStore: MetadataStore;
  }
}

export interface BuildOptions {
  /** Extra routes (benchmarks) registered before the app is sealed. */
  extend?: (app: FastifyInstance) => void | Promise<void>;
  /** Where log lines go (default stdout); tests read them to check what a failure logged. */
  logStream?: NodeJS.WritableStream;
  /** Time for billing periods and grants (default: the system clock); tests move it across months. */
  clock?: Clock;
  /** A blob store the caller opened (tests); otherwise the configured one. */
  blobStore?: BlobStore;
  /** Neural models besides the built-in catalogue (tests register a tiny model of their own). */
  extraModels?: RuntimeOptions['extraModels'];
  /** Extractors added to the built-in catalogue (tests). */
  extraExtractors?: readonly ExtractorDefinition[];
}

/** Opens an API runtime from config and serves it; closing the app closes the runtime. */
export async function buildApp(config: TesseraConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const runtime = await openRuntime(config, {
    role: 'api',
    logger: createLogger(config, options.logStream),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.blobStore ? { blobStore: options.blobStore } : {}),
    ...(options.extraModels ? { extraModels: options.extraModels } : {}),
    ...(options.extraExtractors ? { extraExtractors: options.extraExtractors } : {}),
  });
  try {
    return await addHttp(runtime, options, true);
  } catch (err) {
    await runtime.close();
    throw err;
  }
}

/**
 * Adds Fastify over a runtime the caller opened; it opens nothing itself, and closing the app
 * leaves the runtime open (the caller closes it).
 */
export function buildHttpApp(runtime: Runtime, options: Pick<BuildOptions, 'extend'> = {}): Promise<FastifyInstance> {
  return addHttp(runtime, options, false);
}

async function addHttp(runtime: Runtime, options: Pick<BuildOptions, 'extend'>, ownsRuntime: boolean): Promise<FastifyInstance> {
  const { config, services } = runtime;
  const app = Fastify({
    // Typed as Fastify's logger interface so the app keeps the default FastifyInstance type.
    loggerInstance: runtime.log as FastifyBaseLogger,
    schemaController: { compilersFactory: { buildSerializer: cachingSerializerFactory } },
    bodyLimit: config.bodyLimit,
    // A request whose headers or body do not arrive in time is answered 408 and closed, so a slow
    // or stalled client cannot hold a connection. Node checks these timeouts only every
    // connectionsCheckingInterval: keep that a fraction of the shorter one (at most 1 s).
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      // Node compares the two when it creates the server, before Fastify sets requestTimeout.
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    // Requests Node's parser refuses (and timeouts) get the envelope too.
    clientErrorHandler,
    // Emails in paths can be long; the default 100-character limit would make such users unreachable.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
    // Router-level failures (a parameter over that limit, a malformed URL) still get the envelope.
    frameworkErrors: (err, request, reply) => {
      reply.header('x-request-id', request.id);
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      sendError(
        reply,
        errorBody(tooLong ? 414 : 400, 'BadRequestError', tooLong ? 'A path parameter is too long' : 'The URL is not valid', null, tooLong ? 'path_too_long' : 'invalid_url'),
      );
    },
    genReqId: newRequestId,
    // Fastify's own 503 while closing is not our envelope: the onRequest check below answers instead.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Closing the app closes what buildApp opened for it: usage counts are written before the store closes.
  if (ownsRuntime) app.addHook('onClose', () => runtime.close());
  app.decorate('bootstrap', runtime.bootstrap);
  app.decorate('metadataStore', runtime.store);
  app.decorate('services', services);
  app.decorate('publicUrl', config.publicUrl ?? null);
  app.decorate('blobs', runtime.blobs);
  app.decorateRequest('scope', null);
  app.decorateRequest('charge', null);
  app.decorateRequest('operation', null);

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  app.setValidatorCompiler(createValidatorCompiler(SHARED_SCHEMAS, { strictRequests: config.strictRequests }));
  installJsonParser(app);
  installRequestGate(app);

  const allowedMethods = createRouteIndex(app);
  enforceCatalogue(app);
  installErrorHandlers(app, allowedMethods);
  await registerOpenApi(app);

  await app.register(healthRoutes, { prefix: '/v1/health' });
  await app.register(organizationRoutes, { prefix: '/v1/organizations' });
  await app.register(userRoutes, { prefix: '/v1/organizations/users' });
  await app.register(apiKeyRoutes, { prefix: '/v1/organizations/users/:user_email/api-keys' });
  await app.register(usageRoutes, { prefix: '/v1/organizations' });
  await app.register(billingRoutes, { prefix: '/v1/organizations/billing' });
  await app.register(secretRoutes, { prefix: '/v1/organizations/secrets' });
  await app.register(webhookRoutes, { prefix: '/v1/organizations/webhooks' });
  await app.register(namespaceRoutes, { prefix: '/v1/namespaces' });
  await app.register(taskRoutes, { prefix: '/v1/tasks' });
  await app.register(bucketRoutes, { prefix: '/v1/buckets' });
  await app.register(collectionRoutes, { prefix: '/v1/collections' });
  await app.register(objectRoutes, { prefix: '/v1/buckets/:bucket_identifier/objects' });
  await app.register(blobTransferRoutes, { prefix: '/v1/blob-transfer' });
  await app.register(uploadRoutes, { prefix: '/v1/buckets/:bucket_identifier/uploads' });
  await app.register(documentRoutes, { prefix: '/v1/collections/:collection_identifier/documents' });
  await app.register(documentLineageRoutes);
  await app.register(objectLineageRoutes, { prefix: '/v1/objects' });
  await app.register(batchRoutes, { prefix: '/v1/buckets/:bucket_identifier/batches' });
  await app.register(retrieverRoutes, { prefix: '/v1/retrievers' });
  if (options.extend) await options.extend(app);

  await app.ready();
  return app;
}

/**
 * Every request gets its id header; while the server closes, in-flight requests finish but new ones
 * (on kept-alive or pipelined connections, which server.close() does not cut) are refused with the
 * envelope: 503, Retry-After, the request id. Fastify adds `Connection: close`, so clients reconnect
 * elsewhere. Callback style: this runs on every request, and a promise per request is measurable.
 */
function installRequestGate(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (closing) done(new ServiceUnavailableError('The server is shutting down; retry the request', 1, { request_id: request.id }, 'shutting_down'));
    else done();
  });
}

/**
 * JSON only (no text/plain, so other media types get 415), and an empty JSON body counts as no
 * body: clients that always send `Content-Type: application/json` can still DELETE.
 */
function installJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    parseJson(request, String(body), done);
  });
}

// The process under load for bench/organization.ts and bench/limits.ts. It runs apart from the
// load generator so that autocannon's own CPU use never lands on the server's event loop and skews
// the latency numbers.
//
// Input (env, names in SERVER_ENV of bench/protocol.ts): BENCH_API_KEY (the bootstrap admin key)
// and BENCH_SERVER_APPS, a JSON array of AppSpec: each entry is one Tessera app (its own data
// directory, rate limiting and usage accounting on or off, in-memory or Redis counters, its own
// Redis key prefix) listening on its own port. Usually one; bench/limits.ts can put all its
// configurations into one process (BENCH_ONE_PROCESS=1) so that they share one V8 heap and JIT.
// Output: one ReadyLine (bench/protocol.ts) on stdout once every app listens, carrying each app's
// port and effective config.
//
// With rate limiting on, a fresh organization is allowed 10 metadata requests a minute: the
// drivers raise its limits through PATCH /v1/organizations before loading it.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config.ts';
import { BARE_PATH, READY_KEY, SERVER_ENV, type AppSpec, type ReadyApp, type ReadyLine } from './protocol.ts';

const BareResponse = Type.Object({
  ok: Type.Boolean(),
  service: Type.String(),
  version: Type.Integer(),
});

function readSpecs(): { apiKey: string; specs: AppSpec[] } {
  const apiKey = process.env[SERVER_ENV.apiKey];
  const raw = process.env[SERVER_ENV.apps];
  if (!apiKey || !raw) throw new Error(`${SERVER_ENV.apiKey} and ${SERVER_ENV.apps} must be set`);
  const specs = JSON.parse(raw) as AppSpec[];
  if (!Array.isArray(specs) || specs.length === 0) throw new Error(`${SERVER_ENV.apps} must be a non-empty JSON array`);
  return { apiKey, specs };
}

async function startApp(spec: AppSpec, apiKey: string): Promise<{ app: FastifyInstance; ready: ReadyApp }> {
  const config = validateConfig({
    dataDir: spec.dataDir,
    bootstrapApiKey: apiKey,
    logLevel: 'warn',
    host: '127.0.0.1',
    port: 0,
    rateLimiting: spec.rateLimiting,
    usageAccounting: spec.usageAccounting,
    redisUrl: spec.redisUrl,
    redisKeyPrefix: spec.redisKeyPrefix,
  });
  const app = await buildApp(config, {
    extend: (scope) => {
      // Same app, hooks, request ids and serializer machinery as /v1, minus authentication, the
      // store and the presenter: the ceiling the organization route is compared against.
      // Outside /v1, so the operations catalogue (and with it the limiter) does not apply to it.
      scope.get(BARE_PATH, { schema: { response: { 200: BareResponse } } }, async () => ({
        ok: true,
        service: 'tessera',
        version: 1,
      }));
    },
  });
  await app.listen({ host: config.host, port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error(`app ${spec.name} is not listening on a TCP port`);
  return {
    app,
    ready: {
      name: spec.name,
      port: address.port,
      config: {
        rateLimiting: config.rateLimiting,
        usageAccounting: config.usageAccounting,
        rateLimitBackend: !config.rateLimiting ? null : config.redisUrl ? 'redis' : 'memory',
        redisKeyPrefix: config.redisKeyPrefix,
        cacheTtlMs: config.cacheTtlMs,
      },
    },
  };
}

async function main(): Promise<void> {
  const { apiKey, specs } = readSpecs();
  const apps: FastifyInstance[] = [];

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    // A normal exit (not a kill) is what lets --cpu-prof write its profile; closing each app
    // flushes its pending usage counts and closes its Redis connection.
    Promise.all(apps.map((app) => app.close())).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  // The parent holds our stdin open; if it dies without killing us, we do not linger.
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();

  const ready: ReadyApp[] = [];
  for (const spec of specs) {
    const started = await startApp(spec, apiKey);
    apps.push(started.app);
    ready.push(started.ready);
  }
  const line: ReadyLine = { [READY_KEY]: { apps: ready } };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

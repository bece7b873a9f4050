// The process under load for bench/organization.ts. It runs apart from the load generator so that
// autocannon's own CPU use never lands on the server's event loop and skews the latency numbers.
//
// Input (env): BENCH_DATA_DIR (an empty directory), BENCH_API_KEY (the bootstrap admin key) and
// BENCH_USAGE_ACCOUNTING ('0' switches request counting and credit charging off; default on).
// Output: one ReadyLine (bench/protocol.ts) on stdout once it listens.
import { Type } from '@sinclair/typebox';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config.ts';
import { BARE_PATH, READY_KEY, type ReadyLine } from './protocol.ts';

const BareResponse = Type.Object({
  ok: Type.Boolean(),
  service: Type.String(),
  version: Type.Integer(),
});

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_DATA_DIR;
  const apiKey = process.env.BENCH_API_KEY;
  if (!dataDir || !apiKey) throw new Error('BENCH_DATA_DIR and BENCH_API_KEY must be set');

  const config = validateConfig({
    dataDir,
    bootstrapApiKey: apiKey,
    logLevel: 'warn',
    host: '127.0.0.1',
    port: 0,
    // A fresh organization allows a handful of metadata requests a minute: with the limiter on,
    // the load would measure how fast Tessera answers 429.
    rateLimiting: false,
    usageAccounting: process.env.BENCH_USAGE_ACCOUNTING !== '0',
  });
  const app = await buildApp(config, {
    extend: (scope) => {
      // Same app, hooks, request ids and serializer machinery as /v1, minus authentication, the
      // store and the presenter: the ceiling the organization route is compared against.
      // Outside /v1, so the operations catalogue does not apply to it.
      scope.get(BARE_PATH, { schema: { response: { 200: BareResponse } } }, async () => ({
        ok: true,
        service: 'tessera',
        version: 1,
      }));
    },
  });

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    // A normal exit (not a kill) is what lets --cpu-prof write its profile.
    app.close().then(
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

  await app.listen({ host: config.host, port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on a TCP port');
  const ready: ReadyLine = { [READY_KEY]: { port: address.port } };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

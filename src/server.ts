// Process main: `npm start` / `tessera serve`. Builds the app, listens, and shuts down cleanly.
import { pathToFileURL } from 'node:url';
import { buildApp } from './app.ts';
import { configOrExit, type TesseraConfig } from './config.ts';

export interface ServeOptions {
  /** Print one JSON line once listening ({url, bootstrap}) instead of the human-readable key notice. */
  json?: boolean;
}

export async function serve(config: TesseraConfig, options: ServeOptions = {}): Promise<void> {
  const app = await buildApp(config);
  if (app.bootstrap) {
    const { organizationId, adminEmail, generatedApiKey } = app.bootstrap;
    app.log.info({ organization_id: organizationId, admin_email: adminEmail }, 'bootstrapped a new store');
    if (generatedApiKey && !options.json) {
      // Printed once, to the terminal, never logged: only its hash is stored.
      process.stdout.write(`\nTessera admin API key (shown once, store it now):\n\n    ${generatedApiKey}\n\n`);
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  let url: string;
  try {
    url = await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    // The port is taken (or the host is wrong): release the runtime (database, worker threads) before failing.
    await app.close().catch(() => {});
    throw err;
  }
  if (options.json) {
    const b = app.bootstrap;
    const bootstrap = b && { organization_id: b.organizationId, admin_email: b.adminEmail, api_key: b.generatedApiKey };
    process.stdout.write(`${JSON.stringify({ url, bootstrap })}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  serve(configOrExit()).catch((err) => {
    process.stderr.write(`Tessera failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

// Process main: `npm start`. Reads config once, builds the app, listens, and shuts down cleanly.
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await buildApp(config);
  if (app.bootstrap) {
    const { organizationId, adminEmail, generatedApiKey } = app.bootstrap;
    app.log.info({ organization_id: organizationId, admin_email: adminEmail }, 'bootstrapped a new store');
    if (generatedApiKey) {
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
  await app.listen({ port: config.port, host: config.host });
}

main().catch((err) => {
  process.stderr.write(`Tessera failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

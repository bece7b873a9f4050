// Regenerates the committed openapi.json from the running app's route schemas:
// `npm run openapi:write`. test/openapi.test.ts fails when the two drift apart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-openapi-'));
try {
  const app = await buildApp(validateConfig({ dataDir, logLevel: 'warn', bootstrapApiKey: 'sk_openapi_generation_only' }));
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  await app.close();
  fs.writeFileSync('openapi.json', JSON.stringify(res.json(), null, 2) + '\n');
  console.log(`openapi.json written (${Object.keys(res.json().paths).length} paths)`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

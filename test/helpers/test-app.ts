// Builds a real app on a real, private store: a fresh SQLite directory, or a fresh PostgreSQL
// schema when the suite runs with TESSERA_TEST_BACKEND=postgres. Everything is removed on close.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.ts';
import { validateConfig, type TesseraConfig } from '../../src/config.ts';

export const BACKEND = process.env.TESSERA_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
const DATABASE_URL = process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestApp {
  app: FastifyInstance;
  config: TesseraConfig;
  adminKey: string;
  logs: () => string;
  /** Inject with the admin key unless other headers are given. */
  call: (options: InjectOptions & { key?: string | null }) => Promise<LightMyRequestResponse>;
  close: () => Promise<void>;
}

export function uniqueName(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A fresh store location: a temp dir (SQLite) or a new schema (PostgreSQL), plus its cleanup. */
export async function freshStore(): Promise<{ settings: Partial<TesseraConfig>; drop: () => Promise<void> }> {
  if (BACKEND === 'postgres') {
    const schema = uniqueName('tessera_test');
    // The data directory still holds files next to the database (the generated secrets key).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
    return {
      settings: { databaseUrl: DATABASE_URL, databaseSchema: schema, dataDir: dir },
      drop: async () => {
        fs.rmSync(dir, { recursive: true, force: true });
        const client = new pg.Client({ connectionString: DATABASE_URL });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  return { settings: { dataDir: dir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function createTestApp(overrides: Partial<TesseraConfig> = {}, options: BuildOptions = {}): Promise<TestApp> {
  const store = await freshStore();
  const adminKey = `sk_test_${randomBytes(24).toString('base64url')}`;
  // Rate limiting is off unless a test asks for it: suites make far more than 10 requests a minute.
  // test/rate-limits.test.ts and test/usage.test.ts exercise it on.
  const config = validateConfig({ logLevel: 'info', bootstrapApiKey: adminKey, rateLimiting: false, ...store.settings, ...overrides });
  const stream = new PassThrough();
  let logText = '';
  stream.on('data', (chunk: Buffer) => {
    logText += chunk.toString('utf8');
  });
  let app: FastifyInstance;
  try {
    app = await buildApp(config, { logStream: stream, ...options });
  } catch (err) {
    await store.drop();
    throw err;
  }
  return {
    app,
    config,
    adminKey,
    logs: () => logText,
    call: ({ key, headers, ...rest }) => {
      const auth = key === null ? {} : { authorization: `Bearer ${key ?? adminKey}` };
      return app.inject({ ...rest, headers: { ...auth, ...(headers ?? {}) } });
    },
    close: async () => {
      await app.close();
      await store.drop();
    },
  };
}

// The only module that reads process.env. Everything else receives a validated TesseraConfig.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import path from 'node:path';

const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
);

export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  dataDir: Type.String({ minLength: 1 }),
  /** PostgreSQL connection string; when absent the embedded SQLite store in dataDir is used. */
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** PostgreSQL schema to keep Tessera's tables in (lets tests and tenants share one database). */
  databaseSchema: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  /** When set, the bootstrap admin key is exactly this string (known to deployments and tests). */
  bootstrapApiKey: Type.Optional(Type.String({ pattern: '^sk_[A-Za-z0-9_\\-]{16,}$' })),
  bootstrapAdminEmail: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' }),
  bootstrapOrganizationName: Type.String({ minLength: 1, maxLength: 200 }),
  logLevel: LogLevel,
  /** Largest accepted request body in bytes. */
  bodyLimit: Type.Integer({ minimum: 1024 }),
  /** Run pending migrations when the app starts (the CLI's `migrate` runs them on demand). */
  migrateOnStart: Type.Boolean(),
  /** Public base URL reported as the organization's api_url; null when unknown. */
  publicUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
});
export type TesseraConfig = Static<typeof ConfigSchema>;

export class ConfigError extends Error {}

const DEFAULTS: TesseraConfig = {
  port: 8000,
  host: '127.0.0.1',
  dataDir: './data',
  databaseSchema: 'public',
  bootstrapAdminEmail: 'admin@tessera.local',
  bootstrapOrganizationName: 'Default Organization',
  logLevel: 'info',
  bodyLimit: 10 * 1024 * 1024,
  migrateOnStart: true,
};

/** Validates a full config; throws ConfigError naming every bad setting. */
export function validateConfig(input: Partial<TesseraConfig>): TesseraConfig {
  const merged = { ...DEFAULTS, ...stripUndefined(input) };
  const errors = [...Value.Errors(ConfigSchema, merged)];
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const key = e.path.slice(1);
      const name = ENV_NAME_OF[key] ? `${ENV_NAME_OF[key]} (${key})` : key || '(root)';
      return `  ${name}: ${e.message} (got ${JSON.stringify(e.value)})`;
    });
    throw new ConfigError(`Invalid Tessera configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  return { ...merged, dataDir: path.resolve(merged.dataDir) };
}

const ENV_KEYS: Record<string, keyof TesseraConfig> = {
  PORT: 'port',
  HOST: 'host',
  TESSERA_DATA_DIR: 'dataDir',
  TESSERA_DATABASE_URL: 'databaseUrl',
  TESSERA_DATABASE_SCHEMA: 'databaseSchema',
  TESSERA_BOOTSTRAP_API_KEY: 'bootstrapApiKey',
  TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'bootstrapAdminEmail',
  TESSERA_BOOTSTRAP_ORG_NAME: 'bootstrapOrganizationName',
  LOG_LEVEL: 'logLevel',
  TESSERA_BODY_LIMIT: 'bodyLimit',
  TESSERA_MIGRATE_ON_START: 'migrateOnStart',
  TESSERA_PUBLIC_URL: 'publicUrl',
};

const ENV_NAME_OF: Record<string, string> = Object.fromEntries(Object.entries(ENV_KEYS).map(([e, k]) => [k, e]));

/** Reads the environment, converting numbers and booleans, then validates. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TesseraConfig {
  const raw: Record<string, unknown> = {};
  for (const [envKey, key] of Object.entries(ENV_KEYS)) {
    const value = env[envKey];
    if (value === undefined || value === '') continue;
    raw[key] = value;
  }
  // Convert only what the schema says is numeric/boolean; "abc" for PORT stays a string and fails validation.
  const converted = Value.Convert(ConfigSchema, raw) as Partial<TesseraConfig>;
  return validateConfig(converted);
}

/** Names of the environment variables, for docs and error messages. */
export const ENVIRONMENT_VARIABLES = Object.keys(ENV_KEYS);

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

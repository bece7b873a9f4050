import { loadConfig, validateConfig, ConfigError } from '../../src/config.ts';
for (const env of [{ PORT: 'abc' }, { PORT: '70000' }, { PORT: '1e3' }, { PORT: '0x10' }, { PORT: ' 80 ' }, { PORT: '80.0' }, { PORT: '12abc' }, { LOG_LEVEL: 'loud' }, { LOG_LEVEL: 'INFO' }, { TESSERA_DATABASE_URL: 'mysql://x' }, { TESSERA_BOOTSTRAP_API_KEY: 'short' }, { TESSERA_DATABASE_SCHEMA: 'Bad-Name' }, { TESSERA_MIGRATE_ON_START: 'false' }, { TESSERA_MIGRATE_ON_START: 'no' }, { TESSERA_MIGRATE_ON_START: '0' }, { TESSERA_BODY_LIMIT: '4096' }, {PORT:'abc', LOG_LEVEL:'loud'}, {TESSERA_DATABASE_SCHEMA: 'pg_catalog'}, {TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'nope'}, {HOST: ' '}]) {
  try { const c = loadConfig(env as any); console.log(JSON.stringify(env), 'OK', c.port, c.logLevel, c.migrateOnStart, c.bodyLimit, c.databaseSchema); } catch (e) { console.log(JSON.stringify(env), e instanceof ConfigError, (e as Error).message); }
}
console.log(validateConfig({}));

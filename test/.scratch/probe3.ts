import { loadConfig } from '../../src/config.ts';
for (const env of [{ PORT: '8080.9' }, { TESSERA_BODY_LIMIT: '1e6' }, { TESSERA_BODY_LIMIT: '2048.5' },{ PORT: '-0' }, { PORT: 'Infinity' }, {PORT: '  '}]) {
  try { const c = loadConfig(env as any); console.log(JSON.stringify(env), 'OK', c.port, c.bodyLimit); } catch (e) { console.log(JSON.stringify(env), (e as Error).message); }
}

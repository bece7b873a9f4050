import { buildApp } from '../../src/app.ts';
import { validateConfig } from '../../src/config.ts';
import { freshStore } from '../helpers/test-app.ts';
for (let i = 0; i < 5; i++) {
  const store = await freshStore();
  const cfg = validateConfig({ ...store.settings, logLevel: 'silent' });
  const res = await Promise.allSettled([buildApp(cfg), buildApp(cfg), buildApp(cfg)]);
  const apps = res.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  console.log(res.map((r) => r.status === 'fulfilled' ? (r.value.bootstrap ? 'boot' : 'null') : 'ERR ' + (r.reason as Error).message).join(' | '));
  if (apps[0]) console.log('orgs', await apps[0].metadataStore.organizations.count());
  for (const a of apps) await a.close();
  await store.drop();
}

import { sql } from 'kysely';
import { validateConfig } from '../src/config.ts';
import { openMetadataStore } from '../src/compose.ts';
import { parseFilter } from '../src/engine/query/parse.ts';
import { systemScope, withNamespace } from '../src/engine/scope/request-scope.ts';
import { indexDocument, openPgvector, random, randomVector, writeDocuments } from '../test/helpers/search-indexes.ts';
const schema = 'scratch_' + Date.now();
const config = validateConfig({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/test', databaseSchema: schema, dataDir: '/tmp/scratch' });
const store = await openMetadataStore(config);
await store.migrate();
const org = { internalId: 'org_x' } as any;
const ns = withNamespace(systemScope(org, 't'), { namespaceId: 'ns_x', namespaceName: 'x' });
const next = random(2);
const docs = Array.from({ length: 3000 }, (_, i) => indexDocument(ns, 'col', `doc_${i}`, { bucket: i % 100 }, { emb: randomVector(next, 16) }));
await writeDocuments(store, ns, docs);
const index = await openPgvector(store, config, { log: console as any });
let t = performance.now();
await index.catchUp('ns_x');
console.log('catch-up', performance.now() - t);
const db = (index as any).db;
console.log((await sql`select indexrelid::regclass, indisvalid from pg_index where indrelid = 'search_vectors'::regclass`.execute(db)).rows);
const q = randomVector(next, 16);
t = performance.now();
try {
  const hits = await index.searchVectors({ organizationInternalId: 'org_x', namespaceId: 'ns_x', collectionIds: ['col'], vectorName: 'emb', vector: q, k: 10, filter: parseFilter({ bucket: 7 }) });
  console.log('search', performance.now() - t, hits.length);
} catch (e) { console.log('search failed', performance.now() - t, e); }
await index.close();
await store.close();

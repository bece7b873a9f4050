// The collections repository on real storage (both backends): insert, find by id or name, the DAG
// lookups batches rely on, list with filters, update, delete, and tenant isolation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openMetadataStore } from '../src/compose.ts';
import type { Collection } from '../src/engine/collections/types.ts';
import type { MetadataStore } from '../src/engine/ports/metadata-store.ts';
import { parseListQuery } from '../src/engine/query/index.ts';
import { systemScope, type RequestScope } from '../src/engine/scope/request-scope.ts';
import { UniqueViolation } from '../src/engine/ports/metadata-store.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

describe(`collection storage [${BACKEND}]`, () => {
  let t: TestApp;
  let store: MetadataStore;
  let scope: RequestScope;
  let sibling: RequestScope;

  function collection(name: string, source: Partial<Collection['source']>, extra: Partial<Collection> = {}): Collection {
    const now = new Date().toISOString();
    return {
      collectionId: uniqueName('col'),
      organizationInternalId: scope.organization.internalId,
      namespaceId: scope.namespace!.namespaceId,
      collectionName: name,
      description: null,
      source: { type: 'bucket', bucketIds: [], collectionIds: [], inheritedBucketIds: [], sourceFilters: null, ...source },
      inputSchema: { content: { type: 'text' } },
      outputSchema: { text: { type: 'text' } },
      featureExtractor: { feature_extractor_name: 'text_extractor', version: 'v1', parameters: {}, input_mappings: { text: 'content' }, field_passthrough: [], include_all_source_fields: false },
      vectorIndexes: [],
      tier: 0,
      enabled: true,
      metadata: { team: 'a' },
      schemaVersion: 1,
      status: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
      ...extra,
    };
  }

  before(async () => {
    t = await createTestApp();
    store = await openMetadataStore(t.config);
    const org = (await t.call({ method: 'GET', url: '/v1/organizations' })).json();
    const organization = (await store.organizations.findByPublicId(org.organization_id))!;
    scope = systemScope(organization, 'test', { namespaceId: uniqueName('ns'), namespaceName: 'a' });
    sibling = systemScope(organization, 'test', { namespaceId: uniqueName('ns'), namespaceName: 'b' });
  });
  after(async () => {
    await store.close();
    await t.close();
  });

  test('insert, find, DAG lookups, list, update, delete; other namespaces see nothing', async () => {
    const a = collection('alpha', { bucketIds: ['bkt_1', 'bkt_2'] });
    const b = collection('beta', { bucketIds: ['bkt_2'] }, { metadata: { team: 'b' } });
    const c = collection('gamma', { type: 'collection', collectionIds: [a.collectionId], inheritedBucketIds: ['bkt_1', 'bkt_2'] }, { tier: 1 });
    for (const x of [a, b, c]) await store.collections.insert(x);
    await assert.rejects(store.collections.insert({ ...collection('alpha', { bucketIds: ['bkt_3'] }) }), UniqueViolation);

    assert.deepEqual(await store.collections.find(scope, a.collectionId), a);
    assert.equal((await store.collections.find(scope, 'beta'))?.collectionId, b.collectionId);
    assert.equal(await store.collections.find(sibling, a.collectionId), undefined);
    assert.deepEqual((await store.collections.listSourcedFromBucket(scope, 'bkt_2')).map((x) => x.collectionName).sort(), ['alpha', 'beta']);
    assert.deepEqual((await store.collections.listSourcedFromBucket(scope, 'bkt_1')).map((x) => x.collectionName), ['alpha']);
    assert.deepEqual(await store.collections.listSourcedFromBucket(sibling, 'bkt_1'), []);
    assert.deepEqual((await store.collections.listSourcedFromCollections(scope, [a.collectionId, b.collectionId])).map((x) => x.collectionName), ['gamma']);
    assert.deepEqual(await store.collections.listSourcedFromCollections(scope, []), []);

    const q = (body: Record<string, unknown>) => parseListQuery(body, { limit: 10, maxLimit: 100 });
    const byTeam = await store.collections.list(scope, q({ filters: { 'metadata.team': 'b' } }));
    assert.deepEqual(byTeam.collections.map((x) => x.collectionName), ['beta']);
    assert.equal(byTeam.total, 1);
    const all = await store.collections.list(scope, q({ sort: [{ field: 'collection_name', direction: 'desc' }] }));
    assert.deepEqual(all.collections.map((x) => x.collectionName), ['gamma', 'beta', 'alpha']);
    assert.equal((await store.collections.list(scope, q({ search: 'GAM' }))).total, 1);
    assert.equal((await store.collections.list(sibling, q({}))).total, 0);
    assert.equal(await store.collections.countInOrganization(scope), 3);
    assert.equal((await store.collections.listInNamespace(scope)).length, 3);

    assert.equal(await store.collections.update(scope, b.collectionId, { collectionName: 'beta2', enabled: false, metadata: { team: 'c' } }, new Date().toISOString()), true);
    assert.equal(await store.collections.update(sibling, b.collectionId, { description: 'x' }, new Date().toISOString()), false);
    await assert.rejects(store.collections.update(scope, b.collectionId, { collectionName: 'alpha' }, new Date().toISOString()), UniqueViolation);
    const changed = (await store.collections.find(scope, 'beta2'))!;
    assert.equal(changed.enabled, false);
    assert.deepEqual(changed.metadata, { team: 'c' });
    assert.deepEqual((await store.collections.list(scope, q({ filters: { enabled: false } }))).collections.map((x) => x.collectionName), ['beta2']);

    assert.equal(await store.collections.delete(sibling, c.collectionId), false);
    assert.equal(await store.collections.delete(scope, c.collectionId), true);
    assert.equal(await store.collections.find(scope, c.collectionId), undefined);
    assert.deepEqual(await store.collections.listSourcedFromCollections(scope, [a.collectionId]), []);
    assert.equal(await store.collections.delete(scope, c.collectionId), false);
  });
});

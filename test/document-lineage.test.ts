// Lineage through HTTP on real storage (both backends): documents created through the API with
// lineage fields naming a real object, in a tier-0 collection (from the object's bucket) and a
// tier-1 collection (from the tier-0 one); then the document's lineage, the object's documents and
// its decomposition tree, with and without X-Namespace, and the cross-tenant refusals.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { callIn, createCollection, documentPlace, testVector, type DocumentPlace } from './helpers/documents.ts';
import { scopedKey } from './helpers/scoped-keys.ts';
import { assertTenancySweep } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

describe(`document lineage over HTTP [${BACKEND}]`, () => {
  let t: TestApp;
  let p: DocumentPlace;
  let call: ReturnType<typeof callIn>;
  let objectId: string;
  let tier1: Record<string, any>;
  let root: Record<string, any>;
  let child: Record<string, any>;
  let other: Record<string, any>;

  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
    p = await documentPlace(t);
    call = callIn(t, p.headers);
    const obj = await call('POST', `/v1/buckets/${p.bucketId}/objects`, { title: 'The root' });
    assert.equal(obj.statusCode, 200, obj.body);
    objectId = obj.json().object_id;
    tier1 = await createCollection(t, p.headers, { type: 'collection', collection_ids: [p.collectionId] }, undefined, 'text');
    const make = async (collectionId: string, body: Record<string, unknown>) => {
      const res = await call('POST', `/v1/collections/${collectionId}/documents`, body);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const vectors = { [p.index.name]: testVector(5, p.index.dimensions) };
    root = await make(p.collectionId, { text: 'chunk one', root_object_id: objectId, root_bucket_id: p.bucketId, source_object_id: objectId, features: [{ feature_extractor_id: 'text_extractor_v1', vectors }] });
    other = await make(p.collectionId, { text: 'chunk two', root_object_id: objectId, root_bucket_id: p.bucketId, source_object_id: objectId });
    child = await make(tier1.collection_id, { text: 'derived', source_document_id: root.document_id });
    // A document of another object: never part of this object's answers.
    await make(p.collectionId, { text: 'unrelated', root_object_id: 'obj_elsewhere', root_bucket_id: p.bucketId });
  });
  after(async () => t.close());

  test('a document made from another document inherits root, bucket, path and chain', () => {
    assert.equal(child.root_object_id, objectId);
    assert.equal(child.source_document_id, root.document_id);
    assert.equal(child.source_object_id, null);
    assert.equal(child.lineage_path, `${p.bucketId}/${p.collectionId}/${tier1.collection_id}`);
    assert.equal(child.processing_tier, 1);
    assert.equal(child._internal.lineage.source_type, 'collection');
    assert.equal(child._internal.lineage.source_collection_id, p.collectionId);
    assert.deepEqual(child._internal.lineage.chain.map((s: any) => [s.collection_id, s.document_id]), [
      [p.collectionId, root.document_id],
      [tier1.collection_id, child.document_id],
    ]);
  });

  test('GET …/documents/{d}/lineage: the root object and each ancestor, with or without X-Namespace', async () => {
    for (const headers of [p.headers, {}]) {
      const res = await t.call({ method: 'GET', url: `/v1/collections/${tier1.collection_id}/documents/${child.document_id}/lineage`, headers });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.document_id, child.document_id);
      assert.equal(body.depth, 1);
      assert.equal(body.root_object.object_id, objectId);
      assert.equal(body.root_object.bucket_id, p.bucketId);
      assert.deepEqual(body.ancestors.map((a: any) => [a.document_id, a.collection_id, a.collection_name, a.processing_tier]), [[root.document_id, p.collectionId, p.collectionName, 0]]);
      assert.equal(body.lineage.path, child.lineage_path);
      assert.equal(body.chain.length, 2);
      assert.equal(body.missing_ancestor, null);
    }
    const top = (await call('GET', `/v1/collections/${p.collectionName}/documents/${root.document_id}/lineage`)).json();
    assert.deepEqual([top.depth, top.ancestors, top.root_object.object_id], [0, [], objectId]);
    assertError(await call('GET', `/v1/collections/${p.collectionId}/documents/${child.document_id}/lineage`), 404, 'NotFoundError');
    assertError(await call('GET', `/v1/collections/${p.collectionId}/documents/doc_missing/lineage`), 404, 'NotFoundError');
    assertError(await t.call({ method: 'GET', url: `/v1/collections/${p.collectionName}/documents/doc_missing/lineage` }), 404, 'NotFoundError');
  });

  test('GET /v1/objects/{id}/documents: every document of the object, by collection, filtered by collection_ids', async () => {
    const all = await t.call({ method: 'GET', url: `/v1/objects/${objectId}/documents` });
    assert.equal(all.statusCode, 200, all.body);
    const body = all.json();
    assert.equal(body.object_id, objectId);
    assert.equal(body.total_documents, 3);
    assert.deepEqual(new Set(body.documents.map((d: any) => d.document_id)), new Set([root.document_id, other.document_id, child.document_id]));
    assert.equal(body.documents.at(-1).document_id, child.document_id, 'tier order');
    assert.equal(body.documents[0][p.index.name], undefined, 'no vectors');
    assert.deepEqual(body.collections.map((c: any) => [c.collection_id, c.document_count]), [[p.collectionId, 2], [tier1.collection_id, 1]]);
    assert.equal(body.root_object.object_id, objectId);
    const only = (await call('GET', `/v1/objects/${objectId}/documents?collection_ids=${tier1.collection_id}`)).json();
    assert.deepEqual(only.documents.map((d: any) => d.document_id), [child.document_id]);
    const both = (await call('GET', `/v1/objects/${objectId}/documents?collection_ids=${tier1.collection_id}&collection_ids=${p.collectionId}`)).json();
    assert.equal(both.total_documents, 3);
    assertError(await call('GET', '/v1/objects/obj_missing/documents'), 404, 'NotFoundError');
    assertError(await t.call({ method: 'GET', url: '/v1/objects/obj_missing/documents' }), 404, 'NotFoundError');
  });

  test('GET /v1/objects/{id}/decomposition-tree: bucket collections (tier 0) → downstream collections, with counts and optional ids', async () => {
    const res = await t.call({ method: 'GET', url: `/v1/objects/${objectId}/decomposition-tree` });
    assert.equal(res.statusCode, 200, res.body);
    const tree = res.json();
    assert.equal(tree.bucket_id, p.bucketId);
    assert.equal(tree.total_documents, 3);
    assert.equal(tree.total_collections, 2);
    assert.equal(tree.tree.length, 1);
    const [node] = tree.tree;
    assert.deepEqual([node.collection_id, node.tier, node.document_count, node.document_ids], [p.collectionId, 0, 2, undefined]);
    assert.deepEqual(node.children.map((c: any) => [c.collection_id, c.tier, c.document_count, c.children.length]), [[tier1.collection_id, 1, 1, 0]]);
    const withIds = (await call('GET', `/v1/objects/${objectId}/decomposition-tree?include_document_ids=true`)).json();
    assert.deepEqual(new Set(withIds.tree[0].document_ids), new Set([root.document_id, other.document_id]));
    assert.deepEqual(withIds.tree[0].children[0].document_ids, [child.document_id]);
    // An object with no documents yet: its bucket's collections, every count 0.
    const fresh = (await call('POST', `/v1/buckets/${p.bucketId}/objects`, { title: 'New' })).json();
    const empty = (await t.call({ method: 'GET', url: `/v1/objects/${fresh.object_id}/decomposition-tree` })).json();
    assert.deepEqual([empty.total_documents, empty.tree[0].document_count, empty.tree[0].children[0].document_count], [0, 0, 0]);
    assertError(await call('GET', '/v1/objects/obj_missing/decomposition-tree'), 404, 'NotFoundError');
    assertError(await call('GET', `/v1/objects/${objectId}/decomposition-tree?include_document_ids=maybe`), 422, 'ValidationError');
  });

  test('tenancy: another organization and another namespace get 404 on every lineage route; a key scoped elsewhere is refused', async () => {
    const requests = [
      { method: 'GET' as const, url: `/v1/collections/${tier1.collection_id}/documents/${child.document_id}/lineage` },
      { method: 'GET' as const, url: `/v1/objects/${objectId}/documents` },
      { method: 'GET' as const, url: `/v1/objects/${objectId}/decomposition-tree?include_document_ids=true` },
    ];
    const org = await otherOrganization(t);
    const extractors = [{ feature_extractor_name: 'text_extractor', version: 'v1' }];
    const otherNs = await t.call({ method: 'POST', url: '/v1/namespaces', key: org.apiKey, payload: { namespace_name: uniqueName('ns'), feature_extractors: extractors } });
    assert.equal(otherNs.statusCode, 200, otherNs.body);
    const sibling = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: extractors } });
    assert.equal(sibling.statusCode, 200, sibling.body);
    await assertTenancySweep(t, {
      requests,
      outsiders: [
        { label: 'other organization without X-Namespace', key: org.apiKey, headers: {} },
        { label: 'other organization, its namespace', key: org.apiKey, headers: { 'x-namespace': otherNs.json().namespace_id } },
        { label: 'other organization naming ours', key: org.apiKey, headers: { 'x-namespace': p.namespaceId } },
        { label: 'another namespace of ours', headers: { 'x-namespace': sibling.json().namespace_id } },
      ],
      snapshot: async () => (await t.call({ method: 'GET', url: `/v1/objects/${objectId}/decomposition-tree?include_document_ids=true` })).json(),
    });
    const scoped = await scopedKey(t, [{ resource_type: 'namespace', resource_id: sibling.json().namespace_id }]);
    for (const r of requests) {
      for (const headers of [{}, p.headers]) {
        const res = await t.call({ method: r.method, url: r.url, headers, key: scoped });
        assert.ok(res.statusCode === 403 || res.statusCode === 404, `${r.url} ${JSON.stringify(headers)} → ${res.statusCode}`);
      }
    }
    const own = await scopedKey(t, [{ resource_type: 'namespace', resource_id: p.namespaceId }]);
    for (const r of requests) assert.equal((await t.call({ method: r.method, url: r.url, key: own })).statusCode, 200, r.url);
  });
});

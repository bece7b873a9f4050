// Namespace and bucket deletion through the job queue, and namespace ttl: everything inside goes
// (rows, blobs, uploads), nothing outside is touched, and the task says so.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';
import { namespaceAndBucket, type Place } from './helpers/uploads.ts';

const SCHEMA = { properties: { title: { type: 'string' }, content: { type: 'text' } } };

async function fill(t: TestApp, place: Place, n: number): Promise<string[]> {
  const res = await t.call({
    method: 'POST',
    url: `/v1/buckets/${place.bucketId}/objects/batch`,
    headers: { 'x-namespace': place.namespaceId },
    payload: { objects: Array.from({ length: n }, (_, i) => ({ title: `t${i}`, blobs: [{ property: 'content', type: 'text', data: `text ${i} ${uniqueName('x')}` }] })) },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().succeeded.map((o: { object_id: string }) => o.object_id);
}

/** An upload whose bytes are in the blob store (PUT through its presigned URL), not yet confirmed. */
async function pendingUpload(t: TestApp, place: Place): Promise<string> {
  const res = await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketId}/uploads`, headers: { 'x-namespace': place.namespaceId }, payload: { filename: 'a.txt', content_type: 'text/plain', create_object_on_confirm: false } });
  assert.equal(res.statusCode, 201, res.body);
  // The filesystem store's presigned URL points at this app's transfer route.
  const put = await t.app.inject({ method: 'PUT', url: new URL(res.json().presigned_url).pathname, headers: { 'content-type': 'text/plain' }, payload: 'uploaded bytes' });
  assert.equal(put.statusCode, 200, put.body);
  return res.json().upload_id;
}

async function blobKeysOf(t: TestApp, place: Place, objectIds: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const id of objectIds) {
    const o = await t.app.metadataStore.objects.find({ organization: await organizationOf(t), namespace: { namespaceId: place.namespaceId, namespaceName: place.namespaceName } }, place.bucketId, id);
    for (const b of o?.blobs ?? []) if (b.storageKey) keys.push(b.storageKey);
  }
  return keys;
}

async function organizationOf(t: TestApp) {
  const caller = await t.app.services.authenticator.authenticate(`Bearer ${t.adminKey}`);
  return caller.organization;
}

async function settled(t: TestApp, taskId: string): Promise<Record<string, any>> {
  for (let i = 0; i < 400; i++) {
    const body = (await t.call({ method: 'GET', url: `/v1/tasks/${taskId}` })).json();
    if (!['PENDING', 'IN_PROGRESS', 'PROCESSING'].includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`task ${taskId} did not finish`);
}

describe(`deletion through the job queue [${BACKEND}]`, () => {
  let t: TestApp;
  let offsetMs = 0;
  before(async () => {
    t = await createTestApp({ jobPollIntervalMs: 50 }, { clock: { now: () => new Date(Date.now() + offsetMs) } });
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('DELETE a namespace: gone at once, name free, its task removes buckets, objects, uploads and blobs; the neighbour is untouched', async () => {
    const doomed = await namespaceAndBucket(t, SCHEMA);
    const second = await namespaceAndBucket(t, SCHEMA, undefined, { namespace_id: doomed.namespaceId, namespace_name: doomed.namespaceName });
    const neighbour = await namespaceAndBucket(t, SCHEMA);
    const doomedObjects = [...(await fill(t, doomed, 30)), ...(await fill(t, second, 5))];
    const keptObjects = await fill(t, neighbour, 5);
    const upload = await pendingUpload(t, doomed);
    const doomedKeys = [...(await blobKeysOf(t, doomed, doomedObjects.slice(0, 30))), ...(await blobKeysOf(t, second, doomedObjects.slice(30)))];
    const keptKeys = await blobKeysOf(t, neighbour, keptObjects);
    assert.equal(doomedKeys.length, 35);

    const res = await t.call({ method: 'DELETE', url: `/v1/namespaces/${doomed.namespaceName}` });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.status, 'PENDING');
    assert.equal(body.namespace_id, doomed.namespaceId);
    assert.match(body.task_id, /^task_/);
    // Gone from every route at once, its name free again.
    assertError(await t.call({ method: 'GET', url: `/v1/namespaces/${doomed.namespaceId}` }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'GET', url: `/v1/buckets/${doomed.bucketId}`, headers: { 'x-namespace': doomed.namespaceId } }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'DELETE', url: `/v1/namespaces/${doomed.namespaceId}` }), 404, 'NotFoundError');

    const task = await settled(t, body.task_id);
    assert.equal(task.status, 'COMPLETED', JSON.stringify(task));
    assert.equal(task.task_type, 'api_namespaces_delete');
    assert.deepEqual(task.outputs, [{ namespace_id: doomed.namespaceId, buckets_deleted: 2, objects_deleted: 35, blobs_deleted: task.outputs[0]!.blobs_deleted }]);
    assert.ok(task.outputs[0]!.blobs_deleted >= 36, 'object blobs and the upload\'s bytes');
    for (const key of doomedKeys) assert.equal(await t.app.blobs.head(key), undefined, key);
    const store = t.app.metadataStore;
    const org = await organizationOf(t);
    assert.equal(await store.namespaces.findById({ organization: org, namespace: null }, doomed.namespaceId), undefined);
    assert.equal(await store.buckets.findById({ organization: org, namespace: { namespaceId: doomed.namespaceId, namespaceName: doomed.namespaceName } }, doomed.bucketId), undefined);
    assert.equal(await store.uploads.find({ organization: org, namespace: { namespaceId: doomed.namespaceId, namespaceName: doomed.namespaceName } }, doomed.bucketId, upload), undefined);

    // The neighbour: every object and blob still there.
    const kept = (await t.call({ method: 'GET', url: `/v1/namespaces/${neighbour.namespaceId}` })).json();
    assert.equal(kept.object_count, 5);
    for (const key of keptKeys) assert.ok(await t.app.blobs.head(key), key);
    const again = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: doomed.namespaceName, feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] } });
    assert.equal(again.statusCode, 200, again.body);
  });

  test('DELETE a bucket: its objects, uploads and blobs go; the other bucket of the namespace stays', async () => {
    const doomed = await namespaceAndBucket(t, SCHEMA);
    const sibling = await namespaceAndBucket(t, SCHEMA, undefined, { namespace_id: doomed.namespaceId, namespace_name: doomed.namespaceName });
    const doomedKeys = await blobKeysOf(t, doomed, await fill(t, doomed, 10));
    const siblingObjects = await fill(t, sibling, 3);
    const siblingKeys = await blobKeysOf(t, sibling, siblingObjects);
    await pendingUpload(t, doomed);
    const h = { 'x-namespace': doomed.namespaceId };
    const res = await t.call({ method: 'DELETE', url: `/v1/buckets/${doomed.bucketId}`, headers: h });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().object_count, 10);
    assertError(await t.call({ method: 'GET', url: `/v1/buckets/${doomed.bucketId}`, headers: h }), 404, 'NotFoundError');
    const task = await settled(t, res.json().task_id);
    assert.equal(task.status, 'COMPLETED', JSON.stringify(task));
    assert.equal(task.task_type, 'api_buckets_delete');
    assert.equal(task.outputs[0].objects_deleted, 10);
    for (const key of doomedKeys) assert.equal(await t.app.blobs.head(key), undefined);
    for (const key of siblingKeys) assert.ok(await t.app.blobs.head(key));
    const ns = (await t.call({ method: 'GET', url: `/v1/namespaces/${doomed.namespaceId}` })).json();
    assert.equal(ns.bucket_count, 1);
    assert.equal(ns.object_count, 3);
  });

  test('ttl_seconds: when it runs out the queue deletes the namespace, as DELETE would', async () => {
    const res = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ttl'), ttl_seconds: 60, feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] } });
    assert.equal(res.statusCode, 200, res.body);
    const ns = res.json();
    assert.ok(Math.abs(Date.parse(ns.expires_at) - (Date.now() + offsetMs + 60_000)) < 5_000);
    await fill(t, await namespaceAndBucket(t, SCHEMA, undefined, ns), 3);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${ns.namespace_id}` })).statusCode, 200, 'not before its time');
    offsetMs += 61_000;
    let gone = false;
    for (let i = 0; i < 200 && !gone; i++) {
      gone = (await t.call({ method: 'GET', url: `/v1/namespaces/${ns.namespace_id}` })).statusCode === 404;
      if (!gone) await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(gone, 'expired namespace deleted');
    const tasks = (await t.call({ method: 'POST', url: '/v1/tasks/list', payload: { task_type: 'api_namespaces_delete' } })).json().results;
    const deletion = tasks.find((x: { inputs: string[] }) => x.inputs?.[0] === ns.namespace_id);
    assert.ok(deletion, 'a deletion task for the expired namespace');
    assert.equal((await settled(t, deletion.task_id)).status, 'COMPLETED');
  });
});

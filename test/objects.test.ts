import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { assertTenancySweep } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

const TEXT = [{ feature_extractor_name: 'text_extractor', version: 'v1' }];
// A real 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const SCHEMA = { properties: { title: { type: 'string' }, sku: { type: 'string' }, price: { type: 'number' }, content: { type: 'text' }, photo: { type: 'image' } } };

describe(`objects [${BACKEND}]`, () => {
  let t: TestApp;
  let server: http.Server;
  let base: string;
  let ns: { namespace_id: string; namespace_name: string };
  const h = () => ({ 'x-namespace': ns.namespace_id });

  async function bucket(body: Record<string, unknown> = {}, headers = h()): Promise<Record<string, any>> {
    const res = await t.call({ method: 'POST', url: '/v1/buckets', headers, payload: { bucket_name: uniqueName('b'), bucket_schema: SCHEMA, ...body } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  }
  const objectsUrl = (b: Record<string, any>) => `/v1/buckets/${b.bucket_id}/objects`;
  const count = async (b: Record<string, any>) => (await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}` })).json().object_count as number;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/photo.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      else if (req.url === '/notes.txt') res.writeHead(200, { 'content-type': 'text/plain' }).end('plain notes');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp({ fetchAllowCidrs: ['127.0.0.1/32'] });
    await upgradeToTeam(t);
    ns = (await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: TEXT } })).json();
  });
  after(async () => {
    await t.close();
    server.close();
  });

  test('create with flat fields, metadata, inline text, JSON, data URI, base64 PNG and a URL blob; GET with presigned URLs', async () => {
    const b = await bucket();
    const res = await t.call({
      method: 'POST',
      url: objectsUrl(b),
      payload: {
        title: 'Hello',
        metadata: { price: 9.5 },
        key_prefix: '/docs',
        blobs: [
          { property: 'content', type: 'text', data: 'inline text' },
          { property: 'photo', type: 'IMAGE', data: { base64: PNG.toString('base64'), mime_type: 'image/png', filename: 'a.png' } },
        ],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const o = res.json();
    assert.match(o.object_id, /^obj_/);
    assert.equal(o.title, 'Hello');
    assert.equal(o.price, 9.5);
    assert.equal(o.status, 'DRAFT');
    assert.equal(o.key_prefix, '/docs');
    assert.equal(o.blobs.length, 2);
    assert.equal(o.blobs[0].details.mime_type.startsWith('text/plain'), true);
    assert.equal(o.blobs[1].details.mime_type, 'image/png');
    assert.equal(o.blobs[1].details.size_bytes, PNG.length);
    assert.match(o.blobs[1].details.hash, /^[0-9a-f]{64}$/);
    for (const data of [{ answer: 42 }, `data:image/png;base64,${PNG.toString('base64')}`]) {
      const property = typeof data === 'string' ? 'photo' : 'content';
      const r = await t.call({ method: 'POST', url: objectsUrl(b), payload: { blobs: [{ property, type: property === 'photo' ? 'image' : 'text', data }] } });
      assert.equal(r.statusCode, 200, r.body);
    }
    const viaUrl = await t.call({ method: 'POST', url: objectsUrl(b), payload: { blobs: [{ property: 'photo', type: 'image', data: `${base}/photo.png` }, { property: 'content', type: 'text', data: { url: `${base}/notes.txt` } }] } });
    assert.equal(viaUrl.statusCode, 200, viaUrl.body);
    assert.equal(viaUrl.json().blobs[0].details.mime_type, 'image/png');
    assert.equal(viaUrl.json().blobs[0].properties.source_url, `${base}/photo.png`);
    assert.deepEqual(viaUrl.json().source_details.map((s: any) => s.type), ['url', 'url']);
    const got = await t.call({ method: 'GET', url: `${objectsUrl(b)}/${o.object_id}?return_presigned_urls=true` });
    assert.equal(got.statusCode, 200, got.body);
    assert.ok(got.json().blobs.every((bl: any) => typeof bl.properties.presigned_url === 'string'));
    assert.equal((await t.call({ method: 'GET', url: `${objectsUrl(b)}/${o.object_id}` })).json().blobs[0].properties.presigned_url, undefined);
    const bucketNow = (await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}` })).json();
    assert.equal(bucketNow.object_count, 4);
    assert.ok(bucketNow.total_size_bytes > 0);
    assert.ok(bucketNow.last_upload_at);
    assert.equal(bucketNow.storage_stats.total_size_bytes, bucketNow.total_size_bytes);
  });

  test('refusals store nothing: private URL (400 URLValidationError), text bytes as an image, wrong property, bad field type, unknown upload', async () => {
    const b = await bucket();
    const attempts: [unknown, number, string][] = [
      [{ blobs: [{ property: 'content', type: 'text', data: 'ok' }, { property: 'photo', type: 'image', data: 'http://10.1.2.3/x.png' }] }, 400, 'URLValidationError'],
      [{ blobs: [{ property: 'photo', type: 'image', data: { base64: Buffer.from('not an image at all').toString('base64') } }] }, 400, 'BadRequestError'],
      [{ blobs: [{ property: 'nope', type: 'text', data: 'x' }] }, 400, 'BadRequestError'],
      [{ price: 'cheap' }, 400, 'BadRequestError'],
      [{ blobs: [{ property: 'content', type: 'text', upload_id: 'upl_abcdefabcdefabcd' }] }, 404, 'NotFoundError'], // with uploads wired: BlobIntake's own 404 for an unknown upload
    ];
    for (const [payload, status, type] of attempts) {
      const res = await t.call({ method: 'POST', url: objectsUrl(b), payload: payload as Record<string, unknown> });
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json().error.type, type, res.body);
    }
    assert.equal(await count(b), 0);
    // Nothing was left in the blob store under the bucket's prefix either.
    const org = await adminOrganization(t);
    assert.equal(await t.app.services.blobs!.deletePrefix(`${org.internalId}/${ns.namespace_id}/${b.bucket_id}`), 0);
  });

  test('oversize inline blob (free tier) is 413 PayloadTooLargeError; a body over bodyLimit answers the envelope', async () => {
    const other = await otherOrganization(t);
    const otherNs = (await t.call({ method: 'POST', url: '/v1/namespaces', key: other.apiKey, payload: { namespace_name: uniqueName('ns'), feature_extractors: TEXT } })).json();
    const b = (await t.call({ method: 'POST', url: '/v1/buckets', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id }, payload: { bucket_name: uniqueName('b'), bucket_schema: SCHEMA } })).json();
    const big = 'a'.repeat(5 * 1024 * 1024 + 10);
    const res = await t.call({ method: 'POST', url: objectsUrl(b), key: other.apiKey, payload: { blobs: [{ property: 'content', type: 'text', data: big }] } });
    assertError(res, 413, 'PayloadTooLargeError');
    // Over the app's bodyLimit: the object routes accept bodies up to the largest tier's base64 cap, and the tier decides.
    const huge = await t.call({ method: 'POST', url: objectsUrl(b), key: other.apiKey, payload: { blobs: [{ property: 'content', type: 'text', data: 'a'.repeat(t.config.bodyLimit + 10) }] } });
    assertError(huge, 413, 'PayloadTooLargeError');
    // Other routes keep the app's bodyLimit, answered with the error envelope.
    const tooBig = await t.call({ method: 'POST', url: '/v1/buckets', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id }, payload: { bucket_name: 'x', description: 'a'.repeat(t.config.bodyLimit + 10), bucket_schema: SCHEMA } });
    assert.equal(tooBig.statusCode, 413, tooBig.body.slice(0, 300));
    assert.equal(tooBig.json().success, false);
    assert.equal((await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}`, key: other.apiKey })).json().object_count, 0);
    // A team-tier base64 blob whose body exceeds the app's bodyLimit (9 MiB → 12 MiB of base64) is accepted.
    const own = await bucket();
    const nine = Buffer.alloc(9 * 1024 * 1024, 0x61);
    const ok = await t.call({ method: 'POST', url: objectsUrl(own), payload: { blobs: [{ property: 'content', type: 'text', data: { base64: nine.toString('base64'), mime_type: 'text/plain' } }] } });
    assert.equal(ok.statusCode, 200, ok.body.slice(0, 300));
    assert.equal(ok.json().blobs[0].details.size_bytes, nine.length);
  });

  test('unique key: 400 without a policy; insert 409, update 404, upsert idempotent', async () => {
    const b = await bucket({ unique_key: { fields: ['sku'] } });
    assertError(await t.call({ method: 'POST', url: objectsUrl(b), payload: { sku: 'A' } }), 400, 'BadRequestError');
    const first = await t.call({ method: 'POST', url: `${objectsUrl(b)}?policy=insert`, payload: { sku: 'A', title: 'one' } });
    assert.equal(first.statusCode, 200, first.body);
    assertError(await t.call({ method: 'POST', url: `${objectsUrl(b)}?policy=insert`, payload: { sku: 'A' } }), 409, 'AlreadyExistsError');
    assertError(await t.call({ method: 'POST', url: `${objectsUrl(b)}?policy=update`, payload: { sku: 'B' } }), 404, 'NotFoundError');
    const up1 = await t.call({ method: 'POST', url: `${objectsUrl(b)}?policy=upsert`, payload: { sku: 'A', title: 'two' } });
    assert.equal(up1.statusCode, 200, up1.body);
    assert.equal(up1.json().object_id, first.json().object_id);
    assert.equal(up1.json().title, 'two');
    const up2 = await t.call({ method: 'POST', url: `${objectsUrl(b)}?policy=upsert`, payload: { sku: 'C' } });
    assert.equal(up2.statusCode, 200);
    assert.equal(await count(b), 2);
    const withDefault = await bucket({ unique_key: { fields: ['sku'], default_policy: 'insert' } });
    assert.equal((await t.call({ method: 'POST', url: objectsUrl(withDefault), payload: { sku: 'A' } })).statusCode, 200);
    assertError(await t.call({ method: 'POST', url: objectsUrl(withDefault), payload: { sku: 'A' } }), 409, 'AlreadyExistsError');
  });

  test('skip_duplicates skips blobs whose hash the bucket already holds', async () => {
    const b = await bucket();
    const blob = { property: 'content', type: 'text', data: 'same bytes' };
    await t.call({ method: 'POST', url: objectsUrl(b), payload: { blobs: [blob] } });
    const again = await t.call({ method: 'POST', url: objectsUrl(b), payload: { skip_duplicates: true, blobs: [blob] } });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().blobs.length, 0);
    const without = await t.call({ method: 'POST', url: objectsUrl(b), payload: { blobs: [blob] } });
    assert.equal(without.json().blobs.length, 1);
  });

  test('batch: partial success (200) with failed[] by index; none created → 400 with details.failed', async () => {
    const b = await bucket();
    const res = await t.call({
      method: 'POST',
      url: `${objectsUrl(b)}/batch`,
      payload: { objects: [{ title: 'a' }, { price: 'x' }, { title: 'c', blobs: [{ property: 'photo', type: 'image', data: 'http://192.168.0.1/a.png' }] }, { title: 'd' }] },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.total_requested, 4);
    assert.equal(body.succeeded_count, 2);
    assert.deepEqual(body.failed.map((f: any) => [f.object_index, f.error_type]), [[1, 'BadRequestError'], [2, 'URLValidationError']]);
    assert.deepEqual(body.succeeded.map((o: any) => o.title), ['a', 'd']);
    assert.equal(await count(b), 2);
    const none = assertError(await t.call({ method: 'POST', url: `${objectsUrl(b)}/batch`, payload: { objects: [{ price: 'x' }] } }), 400, 'BadRequestError');
    assert.equal(none.error.details.failed[0].object_index, 0);
    assertError(await t.call({ method: 'POST', url: `${objectsUrl(b)}/batch`, payload: { objects: Array.from({ length: 101 }, () => ({})) } }), 422, 'ValidationError');
  });

  test('list: filters, sort, paging, select, search, stats; aggregate', async () => {
    const b = await bucket();
    const rows = [
      { title: 'apple', price: 3, sku: 'x' },
      { title: 'banana', price: 1, sku: 'y' },
      { title: 'cherry', price: 2, sku: 'x' },
    ];
    await t.call({ method: 'POST', url: `${objectsUrl(b)}/batch`, payload: { objects: rows } });
    const sorted = await t.call({ method: 'POST', url: `${objectsUrl(b)}/list?limit=2&include_total=true`, payload: { sort: { field: 'price', direction: 'desc' }, select: ['title'] } });
    assert.equal(sorted.statusCode, 200, sorted.body);
    assert.deepEqual(sorted.json().results.map((r: any) => r.title), ['apple', 'cherry']);
    assert.deepEqual(Object.keys(sorted.json().results[0]).sort(), ['bucket_id', 'object_id', 'title']);
    assert.equal(sorted.json().pagination.total, 3);
    assert.equal(sorted.json().pagination.next_page, '2');
    assert.deepEqual(sorted.json().stats, { total_objects: 3, total_blobs: 0, avg_blobs_per_object: 0, objects_by_status: { DRAFT: 3 } });
    const filtered = await t.call({ method: 'POST', url: `${objectsUrl(b)}/list`, payload: { filters: { AND: [{ field: 'metadata.sku', operator: 'eq', value: 'X' }, { field: 'price', operator: 'gte', value: 2 }] }, sort: { field: 'title' } } });
    assert.deepEqual(filtered.json().results.map((r: any) => r.title), ['apple', 'cherry']);
    const shorthand = await t.call({ method: 'POST', url: `${objectsUrl(b)}/list`, payload: { filters: { sku: 'y' } } });
    assert.deepEqual(shorthand.json().results.map((r: any) => r.title), ['banana']);
    const search = await t.call({ method: 'POST', url: `${objectsUrl(b)}/list`, payload: { search: 'ERR' } });
    assert.deepEqual(search.json().results.map((r: any) => r.title), ['cherry']);
    assertError(await t.call({ method: 'POST', url: `${objectsUrl(b)}/list`, payload: { filters: { AND: [{ field: 'x', operator: 'bogus', value: 1 }] } } }), 400, 'BadRequestError');
    const agg = await t.call({
      method: 'POST',
      url: `${objectsUrl(b)}/aggregate`,
      payload: { group_by: [{ field: 'sku' }], aggregations: [{ function: 'count', alias: 'n' }, { function: 'sum', field: 'price', alias: 'total' }], sort_by: 'total', sort_direction: 'desc' },
    });
    assert.equal(agg.statusCode, 200, agg.body);
    assert.deepEqual(agg.json().results, [{ group: { sku: 'x' }, metrics: { n: 2, total: 5 } }, { group: { sku: 'y' }, metrics: { n: 1, total: 1 } }]);
    assert.equal(agg.json().total_groups, 2);
  });

  test('PUT merges metadata and replaces blobs; PATCH merges flat fields; DELETE 204 removes the blobs; counts follow', async () => {
    const b = await bucket();
    const o = (await t.call({ method: 'POST', url: objectsUrl(b), payload: { title: 't', blobs: [{ property: 'content', type: 'text', data: 'v1' }] } })).json();
    const blobs = t.app.services.blobs!;
    const keyOf = async (objectId: string) => {
      const list = (await t.call({ method: 'POST', url: `${objectsUrl(b)}/list`, payload: { filters: { object_id: objectId } } })).json();
      return list.results[0].blobs.map((bl: any) => bl.blob_id as string);
    };
    const [firstBlob] = await keyOf(o.object_id);
    const put = await t.call({ method: 'PUT', url: `${objectsUrl(b)}/${o.object_id}`, payload: { metadata: { price: 4 }, blobs: [{ property: 'content', type: 'text', data: 'v2' }] } });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().title, 't');
    assert.equal(put.json().price, 4);
    assert.notEqual(put.json().blobs[0].blob_id, firstBlob);
    const ns_ = ns.namespace_id;
    const patch = await t.call({ method: 'PATCH', url: `${objectsUrl(b)}/${o.object_id}`, payload: { title: 'renamed', key_prefix: 'k' } });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.equal(patch.json().title, 'renamed');
    assert.equal(patch.json().price, 4);
    assert.equal(patch.json().key_prefix, 'k');
    assertError(await t.call({ method: 'PATCH', url: `${objectsUrl(b)}/${o.object_id}`, payload: { object_id: 'obj_x' } }), 400, 'BadRequestError');
    const nsBefore = (await t.call({ method: 'GET', url: `/v1/namespaces/${ns_}` })).json().object_count;
    // The stored key of the current blob, read back through the repository's record.
    const stored = (await t.app.services.objects.get(await scopeOf(t, ns_), b.bucket_id, o.object_id, false)).blobs[0]!.storageKey!;
    assert.ok(await blobs.head(stored));
    const del = await t.call({ method: 'DELETE', url: `${objectsUrl(b)}/${o.object_id}` });
    assert.equal(del.statusCode, 204);
    assert.equal(del.body, '');
    assert.equal(await blobs.head(stored), undefined);
    assertError(await t.call({ method: 'GET', url: `${objectsUrl(b)}/${o.object_id}` }), 404, 'NotFoundError');
    assert.equal((await t.call({ method: 'GET', url: `/v1/namespaces/${ns_}` })).json().object_count, nsBefore - 1);
  });

  test('purgeBucket (the deletion cascade) removes the objects, their blobs and the bucket row; purgeNamespaceBuckets every bucket', async () => {
    const { purgeBucket, purgeNamespaceBuckets } = await import('../src/engine/buckets/bucket-purge.ts');
    const { openMetadataStore } = await import('../src/compose.ts');
    const b = await bucket();
    const o = (await t.call({ method: 'POST', url: objectsUrl(b), payload: { title: 'x', blobs: [{ property: 'content', type: 'text', data: 'bytes' }] } })).json();
    await t.call({ method: 'POST', url: `${objectsUrl(b)}/batch`, payload: { objects: [{ title: 'y' }, { title: 'z' }] } });
    const scope = await scopeOf(t, ns.namespace_id);
    const key = (await t.app.services.objects.get(scope, b.bucket_id, o.object_id, false)).blobs[0]!.storageKey!;
    const store = await openMetadataStore(t.config);
    try {
      const result = await purgeBucket(store, t.app.services.blobs, scope, b.bucket_id);
      assert.deepEqual(result, { objectsDeleted: 3, blobsDeleted: 1 });
      assert.equal(await t.app.services.blobs!.head(key), undefined);
      assertError(await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}` }), 404, 'NotFoundError');
      assert.deepEqual(await purgeBucket(store, t.app.services.blobs, scope, b.bucket_id), { objectsDeleted: 0, blobsDeleted: 0 });
      const space = (await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: TEXT } })).json();
      for (let i = 0; i < 2; i++) {
        const nb = await bucket({}, { 'x-namespace': space.namespace_id });
        await t.call({ method: 'POST', url: objectsUrl(nb), payload: { title: 'x' } });
      }
      const all = await purgeNamespaceBuckets(store, t.app.services.blobs, await scopeOf(t, space.namespace_id));
      assert.equal(all.objectsDeleted, 2);
      const after_ = (await t.call({ method: 'GET', url: `/v1/namespaces/${space.namespace_id}` })).json();
      assert.equal(after_.bucket_count, 0);
      assert.equal(after_.object_count, 0);
    } finally {
      await store.close();
    }
  });

  test('X-Namespace: by bucket id without the header works; by name needs it (400)', async () => {
    const b = await bucket();
    assert.equal((await t.call({ method: 'POST', url: objectsUrl(b), payload: { title: 'x' } })).statusCode, 200);
    assertError(await t.call({ method: 'POST', url: `/v1/buckets/${b.bucket_name}/objects`, payload: { title: 'x' } }), 400, 'BadRequestError');
    assert.equal((await t.call({ method: 'POST', url: `/v1/buckets/${b.bucket_name}/objects/list`, headers: h(), payload: {} })).json().total_count, 1);
  });

  test('cross-tenant sweep over every object route, by bucket id and by name', async () => {
    const b = await bucket();
    const o = (await t.call({ method: 'POST', url: objectsUrl(b), payload: { title: 'mine', blobs: [{ property: 'content', type: 'text', data: 'secret' }] } })).json();
    const other = await otherOrganization(t);
    const otherNs = (await t.call({ method: 'POST', url: '/v1/namespaces', key: other.apiKey, payload: { namespace_name: uniqueName('ns'), feature_extractors: TEXT } })).json();
    const sibling = (await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: TEXT } })).json();
    const requests = [b.bucket_id, b.bucket_name].flatMap((id: string) => [
      { method: 'POST' as const, url: `/v1/buckets/${id}/objects`, payload: { title: 'x' } },
      { method: 'POST' as const, url: `/v1/buckets/${id}/objects/batch`, payload: { objects: [{ title: 'x' }] } },
      { method: 'POST' as const, url: `/v1/buckets/${id}/objects/list`, payload: {} },
      { method: 'POST' as const, url: `/v1/buckets/${id}/objects/aggregate`, payload: { group_by: [{ field: 'title' }], aggregations: [{ function: 'count', alias: 'n' }] } },
      { method: 'GET' as const, url: `/v1/buckets/${id}/objects/${o.object_id}` },
      { method: 'PUT' as const, url: `/v1/buckets/${id}/objects/${o.object_id}`, payload: { metadata: { title: 'x' } } },
      { method: 'PATCH' as const, url: `/v1/buckets/${id}/objects/${o.object_id}`, payload: { title: 'x' } },
      { method: 'DELETE' as const, url: `/v1/buckets/${id}/objects/${o.object_id}` },
    ]);
    await assertTenancySweep(t, {
      requests,
      outsiders: [
        { label: 'other org, its namespace', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id } },
        { label: 'sibling namespace', headers: { 'x-namespace': sibling.namespace_id } },
      ],
      snapshot: async () => [
        (await t.call({ method: 'GET', url: `${objectsUrl(b)}/${o.object_id}` })).json(),
        (await t.call({ method: 'GET', url: `/v1/buckets/${b.bucket_id}` })).json().object_count,
      ],
    });
    assertError(await t.call({ method: 'GET', url: `${objectsUrl(b)}/${o.object_id}`, key: other.apiKey }), 404, 'NotFoundError');
  });
});

/** The admin organization's record (its internal id keys blob storage), read from the store directly. */
async function adminOrganization(t: TestApp) {
  const { openMetadataStore } = await import('../src/compose.ts');
  const org = (await t.call({ method: 'GET', url: '/v1/organizations' })).json();
  const store = await openMetadataStore(t.config);
  try {
    return (await store.organizations.findByPublicId(org.organization_id))!;
  } finally {
    await store.close();
  }
}

/** The admin's scope inside a namespace, for reading engine records the API does not show (storage keys). */
async function scopeOf(t: TestApp, namespaceId: string) {
  const { systemScope } = await import('../src/engine/scope/request-scope.ts');
  return systemScope(await adminOrganization(t), 'test', { namespaceId, namespaceName: namespaceId });
}

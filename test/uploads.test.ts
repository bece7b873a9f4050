// Uploads (SPEC §9) through the HTTP API on a real store and a directory blob store. The client's
// PUT is played by writing the bytes at the upload's storage key (the transfer route is tested with
// the blob adapters, and end to end in test/uploads-large.test.ts and test/cli-upload.test.ts).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BlobKey, BlobStore, PresignPutOptions } from '../src/engine/ports/blob-store.ts';
import { getOrganization } from './helpers/accounts.ts';
import { FilesystemBlobStore } from '../src/adapters/blobs/filesystem-blob-store.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';
import { namespaceAndBucket, type Place } from './helpers/uploads.ts';

/** The filesystem store, recording what it is asked to sign. */
async function signingStore(root: string): Promise<BlobStore & { signed: { key: BlobKey; options: PresignPutOptions }[] }> {
  const inner = await FilesystemBlobStore.open({ root, signingKey: randomBytes(32), publicUrl: 'http://blobs.test' });
  const signed: { key: BlobKey; options: PresignPutOptions }[] = [];
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'signed') return signed;
      if (prop === 'presignPut') {
        return (key: BlobKey, options: PresignPutOptions) => {
          signed.push({ key, options });
          return target.presignPut(key, options);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as BlobStore & { signed: { key: BlobKey; options: PresignPutOptions }[] };
}

const SCHEMA = { properties: { content: { type: 'text' }, photo: { type: 'image' }, title: { type: 'string' } } };
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let now = Date.now();
const clock = { now: () => new Date(now) };

describe(`uploads [${BACKEND}]`, () => {
  let t: TestApp;
  let blobs: Awaited<ReturnType<typeof signingStore>>;
  let dir: string;
  let place: Place;
  const h = () => ({ 'x-namespace': place.namespaceId });
  const url = (rest = '') => `/v1/buckets/${place.bucketId}/uploads${rest}`;
  const create = (payload: Record<string, unknown>, headers = h()) => t.call({ method: 'POST', url: url(), headers, payload });
  const storageKeyOf = (uploadId: string) => `${blobs.signed.find((s) => s.key.endsWith(uploadId))!.key}`;
  const put = (uploadId: string, bytes: Buffer) => blobs.put(storageKeyOf(uploadId), bytes);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-uploads-'));
    blobs = await signingStore(dir);
    t = await createTestApp({}, { blobStore: blobs, clock });
    place = await namespaceAndBucket(t, SCHEMA);
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('create: 201, upload id, URL signed for the id-only key with the content type, size and expiry; defaults from the filename', async () => {
    const res = await create({ filename: 'content.txt', content_type: 'text/plain', file_size_bytes: 11, presigned_url_expiration: 600, metadata: { k: 'v' } });
    assert.equal(res.statusCode, 201, res.body);
    const u = res.json();
    assert.match(u.upload_id, /^upl_[a-z0-9]{16}$/);
    assert.equal(u.status, 'PENDING');
    assert.equal(u.bucket_id, place.bucketId);
    assert.equal(u.blob_property, 'content');
    assert.equal(u.blob_type, 'text');
    assert.equal(u.create_object_on_confirm, true);
    assert.equal(u.skip_duplicates, true);
    assert.equal(u.is_duplicate, false);
    assert.ok(u.presigned_url.startsWith('http://blobs.test/v1/blob-transfer/'));
    assert.match(u.s3_key, new RegExp(`^int_[A-Za-z0-9]+/${place.namespaceId}/api_buckets_uploads_create/${u.upload_id}/content\\.txt$`));
    assert.equal(Date.parse(u.expires_at) - Date.parse(u.created_at), 600_000);
    const signed = blobs.signed.at(-1)!;
    assert.match(signed.key, new RegExp(`^int_[A-Za-z0-9]+/${place.namespaceId}/${place.bucketId}/uploads/${u.upload_id}$`));
    assert.deepEqual(signed.options, { contentType: 'text/plain', maxBytes: 11, expiresInSeconds: 600 });
  });

  test('create: an undeclared size is signed with the tier cap; a size over the cap is 413 before any URL', async () => {
    const ok = await create({ filename: 'content.txt', content_type: 'text/plain' });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(blobs.signed.at(-1)!.options.maxBytes, 100 * 1024 * 1024);
    const before = blobs.signed.length;
    const big = await create({ filename: 'content.txt', content_type: 'text/plain', file_size_bytes: 100 * 1024 * 1024 + 1 });
    assert.equal(big.statusCode, 413, big.body);
    assert.equal(big.json().error.type, 'PayloadTooLargeError');
    assert.equal(big.json().error.details.tier, 'free');
    assert.equal(blobs.signed.length, before);
  });

  test('create: schema and name checks refuse before a URL is issued, nothing stored', async () => {
    const listed = async () => (await t.call({ method: 'POST', url: url('/list'), headers: h(), payload: {} })).json().stats.total_uploads;
    const count = await listed();
    const signed = blobs.signed.length;
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ filename: '../etc/passwd', content_type: 'text/plain', blob_property: 'content' }, 400, /filename/],
      [{ filename: 'a\\b.txt', content_type: 'text/plain', blob_property: 'content' }, 400, /filename/],
      [{ filename: 'nothere.txt', content_type: 'text/plain' }, 400, /blob_property 'nothere'/],
      [{ filename: 'title.txt', content_type: 'text/plain' }, 400, /blob_property 'title'/],
      [{ filename: 'photo.txt', content_type: 'text/plain' }, 400, /cannot fill a 'image' blob/],
      [{ filename: 'photo.png', content_type: 'image/png', blob_type: 'video' }, 400, /does not match/],
      [{ filename: 'photo.png', content_type: 'not a type' }, 400, /content_type/],
    ];
    for (const [payload, status, message] of cases) {
      const res = await create(payload);
      assert.equal(res.statusCode, status, `${JSON.stringify(payload)} → ${res.body}`);
      assert.equal(res.json().success, false);
      assert.match(res.json().error.message, message);
    }
    const invalid = await create({ filename: 'photo.png', content_type: 'image/png', presigned_url_expiration: 59 });
    assert.equal(invalid.statusCode, 422, invalid.body);
    assert.equal(await listed(), count);
    assert.equal(blobs.signed.length, signed);
    // Without create_object_on_confirm the property need not be in the schema.
    const free = await create({ filename: 'anything.bin', content_type: 'application/octet-stream', create_object_on_confirm: false });
    assert.equal(free.statusCode, 201, free.body);
    assert.equal(free.json().blob_type, 'binary');
  });

  test('X-Namespace: a bucket id finds its namespace without the header; a bucket name needs it (400)', async () => {
    const byId = await create({ filename: 'content.txt', content_type: 'text/plain' }, {} as ReturnType<typeof h>);
    assert.equal(byId.statusCode, 201, byId.body);
    const byName = await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketName}/uploads`, payload: { filename: 'content.txt', content_type: 'text/plain' } });
    assert.equal(byName.statusCode, 400, byName.body);
    const byNameWithHeader = await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketName}/uploads`, headers: h(), payload: { filename: 'content.txt', content_type: 'text/plain' } });
    assert.equal(byNameWithHeader.statusCode, 201, byNameWithHeader.body);
    const unknown = await t.call({ method: 'GET', url: `/v1/buckets/${place.bucketId}/uploads/upl_0000000000000000`, headers: h() });
    assert.equal(unknown.statusCode, 404, unknown.body);
  });

  test('confirm: 400 before the PUT; size mismatch 400 (stays PENDING); then COMPLETED with hash, object, one credit; idempotent', async () => {
    const bytes = Buffer.from('hello world');
    const u = (await create({ filename: 'content.txt', content_type: 'text/plain', file_size_bytes: bytes.length, object_metadata: { title: 'greeting' } })).json();
    const confirm = (payload: Record<string, unknown> = {}) => t.call({ method: 'POST', url: url(`/${u.upload_id}/confirm`), headers: h(), payload });
    const early = await confirm();
    assert.equal(early.statusCode, 400, early.body);
    assert.match(early.json().error.message, /not been uploaded yet/);
    await put(u.upload_id, bytes);
    const wrong = await confirm({ file_size_bytes: 12 });
    assert.equal(wrong.statusCode, 400, wrong.body);
    assert.equal((await t.call({ method: 'GET', url: url(`/${u.upload_id}`), headers: h() })).json().status, 'PENDING');
    const wrongEtag = await confirm({ etag: '"nope"' });
    assert.equal(wrongEtag.statusCode, 400, wrongEtag.body);

    const credits = (await getOrganization(t)).credit_count;
    const ok = await confirm({ file_size_bytes: bytes.length });
    assert.equal(ok.statusCode, 200, ok.body);
    const c = ok.json();
    assert.equal(c.status, 'COMPLETED');
    assert.equal(c.file_hash, sha(bytes));
    assert.equal(c.file_size_bytes, bytes.length);
    assert.ok(c.verified_at && c.completed_at && c.etag);
    assert.match(c.object_id, /^obj_/);
    assert.equal((await getOrganization(t)).credit_count, credits - 1);

    const again = await confirm();
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual(again.json(), c);
    assert.equal((await getOrganization(t)).credit_count, credits - 1);

    const obj = await t.call({ method: 'GET', url: `/v1/buckets/${place.bucketId}/objects/${c.object_id}`, headers: h() });
    if (obj.statusCode !== 404 || obj.json().error?.details?.resource === 'object') {
      assert.equal(obj.statusCode, 200, obj.body);
      assert.equal(obj.json().blobs[0].property, 'content');
      assert.equal(obj.json().title, 'greeting');
    }
    const got = (await t.call({ method: 'GET', url: url(`/${u.upload_id}?return_presigned_urls=true`), headers: h() })).json();
    assert.equal(got.status, 'COMPLETED');
    assert.ok(got.presigned_url.startsWith('http://blobs.test/v1/blob-transfer/'));

    const del = await t.call({ method: 'DELETE', url: url(`/${u.upload_id}`), headers: h() });
    assert.equal(del.statusCode, 400, del.body);
  });

  test('confirm: SHA-256 and sniffed type are checked against file_hash and the blob type', async () => {
    const png = (await create({ filename: 'photo.png', content_type: 'image/png', file_hash: sha(PNG), skip_duplicates: false })).json();
    await put(png.upload_id, Buffer.from('not the declared bytes'));
    const bad = await t.call({ method: 'POST', url: url(`/${png.upload_id}/confirm`), headers: h(), payload: {} });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.json().error.message, /SHA-256/);
    await put(png.upload_id, PNG);
    const ok = await t.call({ method: 'POST', url: url(`/${png.upload_id}/confirm`), headers: h(), payload: {} });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'COMPLETED');

    const fake = (await create({ filename: 'content.txt', content_type: 'text/plain' })).json();
    await put(fake.upload_id, PNG);
    const mismatch = await t.call({ method: 'POST', url: url(`/${fake.upload_id}/confirm`), headers: h(), payload: {} });
    assert.equal(mismatch.statusCode, 400, mismatch.body);
    assert.match(mismatch.json().error.message, /image\/png/);
  });

  test('duplicates: a file_hash already completed in the bucket answers 200, no URL, pointing at the upload and object', async () => {
    const bytes = Buffer.from('duplicate me');
    const first = (await create({ filename: 'content.txt', content_type: 'text/plain', file_hash: sha(bytes) })).json();
    await put(first.upload_id, bytes);
    const done = (await t.call({ method: 'POST', url: url(`/${first.upload_id}/confirm`), headers: h(), payload: {} })).json();
    const dup = await create({ filename: 'other.txt', content_type: 'text/plain', blob_property: 'content', file_hash: sha(bytes) });
    assert.equal(dup.statusCode, 200, dup.body);
    const d = dup.json();
    assert.equal(d.is_duplicate, true);
    assert.equal(d.presigned_url, null);
    assert.equal(d.duplicate_of_upload_id, first.upload_id);
    assert.equal(d.existing_object_id, done.object_id);
    assert.equal(d.status, 'SKIPPED');
    const forced = await create({ filename: 'other.txt', content_type: 'text/plain', blob_property: 'content', file_hash: sha(bytes), skip_duplicates: false });
    assert.equal(forced.statusCode, 201, forced.body);
  });

  test('list: filters, search over filename and metadata, sort, paging, stats', async () => {
    const other = await namespaceAndBucket(t, SCHEMA, undefined, { namespace_id: place.namespaceId, namespace_name: place.namespaceName });
    const u = (rest: string) => `/v1/buckets/${other.bucketId}/uploads${rest}`;
    const hh = { 'x-namespace': other.namespaceId };
    for (const [name, campaign] of [['a.txt', 'summer'], ['b.txt', 'winter'], ['c.txt', 'summer']] as const) {
      now += 1000;
      const res = await t.call({ method: 'POST', url: u(''), headers: hh, payload: { filename: name, content_type: 'text/plain', blob_property: 'content', file_size_bytes: 10, metadata: { campaign } } });
      assert.equal(res.statusCode, 201, res.body);
    }
    const all = (await t.call({ method: 'POST', url: u('/list'), headers: hh, payload: {} })).json();
    assert.deepEqual(all.results.map((r: any) => r.filename), ['c.txt', 'b.txt', 'a.txt']);
    assert.deepEqual(all.stats, { total_uploads: 3, total_size_bytes: 30, uploads_by_status: { PENDING: 3 }, avg_file_size_bytes: 10, unique_buckets: 1 });
    const summer = (await t.call({ method: 'POST', url: u('/list'), headers: hh, payload: { filters: { 'metadata.campaign': 'summer' }, sort: { field: 'filename', direction: 'asc' } } })).json();
    assert.deepEqual(summer.results.map((r: any) => r.filename), ['a.txt', 'c.txt']);
    const search = (await t.call({ method: 'POST', url: u('/list'), headers: hh, payload: { search: 'WINT' } })).json();
    assert.deepEqual(search.results.map((r: any) => r.filename), ['b.txt']);
    const paged = (await t.call({ method: 'POST', url: u('/list?include_total=true'), headers: hh, payload: { limit: 2, offset: 2 } })).json();
    assert.equal(paged.results.length, 1);
    assert.equal(paged.pagination.total, 3);
    const byStatus = (await t.call({ method: 'POST', url: u('/list'), headers: hh, payload: { filters: { AND: [{ field: 'status', operator: 'in', value: ['COMPLETED'] }] } } })).json();
    assert.equal(byStatus.results.length, 0);
    const badFilter = await t.call({ method: 'POST', url: u('/list'), headers: hh, payload: { filters: { bogus: 1 } } });
    assert.equal(badFilter.statusCode, 400, badFilter.body);
    const badLimit = await t.call({ method: 'POST', url: u('/list'), headers: hh, payload: { limit: 101 } });
    assert.equal(badLimit.statusCode, 422, badLimit.body);
    // Another bucket's uploads are not listed here.
    assert.ok(all.results.every((r: any) => r.bucket_id === other.bucketId));
  });

  test('delete: a PENDING upload and its bytes go (204); then 404', async () => {
    const u = (await create({ filename: 'content.txt', content_type: 'text/plain' })).json();
    await put(u.upload_id, Buffer.from('x'));
    const del = await t.call({ method: 'DELETE', url: url(`/${u.upload_id}`), headers: h() });
    assert.equal(del.statusCode, 204, del.body);
    assert.equal(await blobs.head(storageKeyOf(u.upload_id)), undefined);
    assert.equal((await t.call({ method: 'GET', url: url(`/${u.upload_id}`), headers: h() })).statusCode, 404);
  });

  test('expiry: an unconfirmed upload past its URL expiry reads as FAILED and cannot be confirmed', async () => {
    const u = (await create({ filename: 'content.txt', content_type: 'text/plain', presigned_url_expiration: 60 })).json();
    await put(u.upload_id, Buffer.from('late'));
    now += 61_000;
    const got = (await t.call({ method: 'GET', url: url(`/${u.upload_id}`), headers: h() })).json();
    assert.equal(got.status, 'FAILED');
    assert.match(got.message, /expired/);
    const confirm = await t.call({ method: 'POST', url: url(`/${u.upload_id}/confirm`), headers: h(), payload: {} });
    assert.equal(confirm.statusCode, 400, confirm.body);
  });

  test('batch create: shared metadata under each item (the item wins); one bad item refuses all', async () => {
    const res = await t.call({
      method: 'POST',
      url: url('/batch'),
      headers: h(),
      payload: { uploads: [{ filename: 'content.txt', content_type: 'text/plain', metadata: { a: 'mine' } }, { filename: 'photo.png', content_type: 'image/png' }], shared_metadata: { a: 'shared', b: 'shared' }, shared_object_metadata: { title: 't' } },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.total, 2);
    assert.deepEqual(body.uploads[0].metadata, { a: 'mine', b: 'shared' });
    assert.deepEqual(body.uploads[1].object_metadata, { title: 't' });
    const signed = blobs.signed.length;
    const bad = await t.call({ method: 'POST', url: url('/batch'), headers: h(), payload: { uploads: [{ filename: 'content.txt', content_type: 'text/plain' }, { filename: 'nope.txt', content_type: 'text/plain' }] } });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.json().error.message, /^uploads\[1\]/);
    assert.equal(blobs.signed.length, signed);
  });
  test('async confirm and confirm/batch: PROCESSING with a task; the upload.confirm job completes them', async () => {
    const task = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const body = (await t.call({ method: 'GET', url: `/v1/tasks/${id}` })).json();
        if (!['PENDING', 'IN_PROGRESS', 'PROCESSING'].includes(body.status)) return body;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`task ${id} still running`);
    };
    const one = (await create({ filename: 'content.txt', content_type: 'text/plain', create_object_on_confirm: false })).json();
    await put(one.upload_id, Buffer.from('async one'));
    const res = await t.call({ method: 'POST', url: url(`/${one.upload_id}/confirm?async=true`), headers: h(), payload: {} });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'PROCESSING');
    assert.match(res.json().task_id, /^task_/);
    const again = await t.call({ method: 'POST', url: url(`/${one.upload_id}/confirm?async=true`), headers: h(), payload: {} });
    assert.equal(again.json().task_id ?? res.json().task_id, res.json().task_id, 'a repeated confirm points at the same task');
    const oneTask = await task(res.json().task_id);
    assert.equal(oneTask.status, 'COMPLETED', JSON.stringify(oneTask));
    assert.equal(oneTask.task_type, 'api_buckets_uploads_confirm');
    const done = (await t.call({ method: 'GET', url: url(`/${one.upload_id}`), headers: h() })).json();
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.object_id, null);

    const a = (await create({ filename: 'content.txt', content_type: 'text/plain' })).json();
    const b = (await create({ filename: 'content.txt', content_type: 'text/plain', file_size_bytes: 3 })).json();
    await put(a.upload_id, Buffer.from('batch a'));
    await put(b.upload_id, Buffer.from('not three bytes'));
    const batch = await t.call({ method: 'POST', url: url('/confirm/batch'), headers: h(), payload: { confirmations: [{ upload_id: a.upload_id }, { upload_id: b.upload_id }] } });
    assert.equal(batch.statusCode, 200, batch.body);
    const body = batch.json();
    assert.equal(body.confirmations_count, 2);
    assert.equal(body.task.task_type, 'api_buckets_uploads_batch_confirm');
    const batchTask = await task(body.task_id);
    assert.equal(batchTask.status, 'COMPLETED_WITH_ERRORS', JSON.stringify(batchTask));
    assert.equal(batchTask.additional_data.failed_count, 1);
    assert.equal((await t.call({ method: 'GET', url: url(`/${a.upload_id}`), headers: h() })).json().status, 'COMPLETED');
    const failed = (await t.call({ method: 'GET', url: url(`/${b.upload_id}`), headers: h() })).json();
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.message, /file_size_bytes 3/);
    const unknown = await t.call({ method: 'POST', url: url('/confirm/batch'), headers: h(), payload: { confirmations: [{ upload_id: 'upl_0000000000000000' }] } });
    assert.equal(unknown.statusCode, 404, unknown.body);
  });
});

// The 200 MB case end to end on a listening server: create an upload (team tier: the free cap is
// 100 MB), PUT 200 MB generated on the fly through the presigned URL, confirm (a task: ≥ 100 MB),
// poll the task, find the object. The process's RSS is sampled during the PUT: the bytes stream
// to disk, so it must not grow by anything near the body's size.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { upgradeToTeam } from './helpers/accounts.ts';
import { startLocalS3, type LocalS3 } from './helpers/s3-server.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';
import { namespaceAndBucket, type Place } from './helpers/uploads.ts';

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `size` bytes, 1 MiB at a time, each chunk distinct; the hash is known once the stream ends. */
function generated(size: number): { stream: Readable; sha256: () => string } {
  const base = randomBytes(MiB);
  // An MP4 'ftyp' box first, so the bytes sniff as the video they are declared to be.
  Buffer.from('00000018667479706d703432000000006d70343269736f6d', 'hex').copy(base, 0);
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const chunk = Buffer.from(base.subarray(0, Math.min(MiB, size - sent)));
      if (sent > 0) chunk.writeUInt32BE(sent / MiB, 0);
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

function put(url: string, contentType: string, size: number, body: Readable): Promise<{ status: number; etag: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-type': contentType, 'content-length': String(size) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body: text }));
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

for (const store of ['filesystem', 's3'] as const) describe(`uploads: 200 MB through the presigned URL [${BACKEND}, ${store}]`, () => {
  let t: TestApp;
  let place: Place;
  let base: string;
  let s3: LocalS3 | undefined;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    if (store === 's3') s3 = await startLocalS3();
    const s3Settings = s3
      ? { blobStore: 's3' as const, s3Bucket: s3.bucket, s3Endpoint: s3.endpoint, s3AccessKeyId: s3.credentials.accessKeyId, s3SecretAccessKey: s3.credentials.secretAccessKey, s3ForcePathStyle: true }
      : {};
    t = await createTestApp({ host: '127.0.0.1', port, publicUrl: base, ...s3Settings });
    await upgradeToTeam(t);
    place = await namespaceAndBucket(t, { properties: { clip: { type: 'video' } } });
    await t.app.listen({ host: '127.0.0.1', port });
  });
  after(async () => {
    await t.close();
    await s3?.stop();
  });

  test('create, PUT 200 MB streamed, confirm as a task, object found; RSS stays flat during the PUT', { timeout: 300_000 }, async (ctx) => {
    const h = { 'x-namespace': place.namespaceId };
    const created = await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketId}/uploads`, headers: h, payload: { filename: 'clip.mp4', content_type: 'video/mp4', file_size_bytes: SIZE } });
    assert.equal(created.statusCode, 201, created.body);
    const upload = created.json();
    assert.ok(upload.presigned_url.startsWith(store === 's3' ? s3!.endpoint : `${base}/`), upload.presigned_url);

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 25);
    const body = generated(SIZE);
    const started = performance.now();
    const res = await put(upload.presigned_url, 'video/mp4', SIZE, body.stream);
    const putMs = performance.now() - started;
    clearInterval(sampler);
    assert.equal(res.status, 200, res.body);
    const sha256 = body.sha256();
    // The filesystem store's ETag is the SHA-256 (S3's is its MD5).
    if (store === 'filesystem') assert.equal(res.etag, `"${sha256}"`);
    const growthMiB = (rssPeak - rssBefore) / MiB;
    ctx.diagnostic(`PUT 200 MiB: ${(putMs / 1000).toFixed(2)} s (${((SIZE / MiB) / (putMs / 1000)).toFixed(0)} MiB/s), RSS ${(rssBefore / MiB).toFixed(0)} → peak ${(rssPeak / MiB).toFixed(0)} MiB (+${growthMiB.toFixed(0)} MiB)`);
    // With S3 the in-process s3rver receives the body: its memory is not Tessera's.
    if (store === 'filesystem') assert.ok(growthMiB < 64, `RSS grew by ${growthMiB.toFixed(0)} MiB during a 200 MiB PUT`);

    const confirmStarted = performance.now();
    const confirm = await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketId}/uploads/${upload.upload_id}/confirm`, headers: h, payload: { etag: res.etag, file_size_bytes: SIZE } });
    assert.equal(confirm.statusCode, 200, confirm.body);
    const c = confirm.json();
    assert.equal(c.status, 'PROCESSING');
    assert.ok(c.task_id);

    // Poll the task.
    let state: Record<string, any> = {};
    for (let i = 0; i < 1200; i++) {
      const got = await t.call({ method: 'GET', url: `/v1/tasks/${c.task_id}`, headers: h });
      assert.equal(got.statusCode, 200, got.body);
      state = got.json();
      if (!['PENDING', 'IN_PROGRESS', 'PROCESSING'].includes(state.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state.status, 'COMPLETED', JSON.stringify(state));
    ctx.diagnostic(`confirm (head, SHA-256 of 200 MiB, sniff, object creation) task: ${((performance.now() - confirmStarted) / 1000).toFixed(2)} s`);

    const done = (await t.call({ method: 'GET', url: `/v1/buckets/${place.bucketId}/uploads/${upload.upload_id}`, headers: h })).json();
    assert.equal(done.status, "COMPLETED", JSON.stringify(done));
    assert.equal(done.file_hash, sha256);
    assert.equal(done.file_size_bytes, SIZE);
    assert.match(done.object_id ?? '', /^obj_/, JSON.stringify(done));
    const obj = await t.call({ method: 'GET', url: `/v1/buckets/${place.bucketId}/objects/${done.object_id}`, headers: h });
    if (obj.statusCode === 404 && obj.json().error.details?.resource === 'route') {
      ctx.diagnostic('the object routes are not in this branch yet: object checked by id only');
      return;
    }
    assert.equal(obj.statusCode, 200, obj.body);
    assert.equal(obj.json().blobs[0].details.size_bytes, SIZE);
  });
});

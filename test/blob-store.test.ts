// The blob store: the contract suite against the filesystem adapter (its presigned URLs served by a
// listening Tessera), against S3 (s3rver in-process over real HTTP, and any S3 named by
// TESSERA_TEST_S3_URL), a kill -9 in the middle of a filesystem write, and the transfer routes'
// refusals through HTTP.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { FilesystemBlobStore } from '../src/adapters/blobs/filesystem-blob-store.ts';
import { S3BlobStore } from '../src/adapters/blobs/s3-blob-store.ts';
import { loadOrCreateKeyFile } from '../src/adapters/secrets/secrets-key.ts';
import { SIGNING_KEY_FILE_NAME } from '../src/compose.ts';
import { blobStoreContract, generated } from './contract/blob-store.contract.ts';
import { BUILT, REPO_ROOT } from './helpers/run-node.ts';
import { externalS3FromEnv, startLocalS3, type LocalS3 } from './helpers/s3-server.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

/** A Tessera listening on a loopback port, and a second filesystem store on its data directory whose presigned URLs point at it. */
async function listeningTessera(): Promise<{ t: TestApp; baseUrl: string; store: FilesystemBlobStore }> {
  const t = await createTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const signingKey = await loadOrCreateKeyFile(t.config.dataDir, SIGNING_KEY_FILE_NAME, 'TESSERA_SIGNING_KEY');
  const store = await FilesystemBlobStore.open({ root: path.join(t.config.dataDir, 'blobs'), signingKey, publicUrl: baseUrl });
  return { t, baseUrl, store };
}

describe(`blob store [${BACKEND}]`, () => {
  blobStoreContract('filesystem (presigned URLs served by Tessera)', async () => {
    const { t, store } = await listeningTessera();
    assert.equal(t.app.blobs.kind, 'filesystem');
    return { store, close: () => t.close() };
  });

  let s3: LocalS3 | undefined;
  blobStoreContract('S3 (s3rver over HTTP)', async () => {
    s3 = await startLocalS3();
    const store = new S3BlobStore({ bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, credentials: s3.credentials, forcePathStyle: true, keyPrefix: 'deployment_a/', partSizeBytes: 5 * 1024 * 1024 });
    return { store, close: async () => (await store.close(), await s3?.stop()) };
  }, { verifiesPresignedContentType: false, atomicOverwrite: false });

  const external = externalS3FromEnv();
  if (external) {
    blobStoreContract('S3 (TESSERA_TEST_S3_URL)', async () => {
      const store = new S3BlobStore({ ...external, forcePathStyle: true, keyPrefix: `tessera_test_${randomBytes(4).toString('hex')}` });
      return { store, close: () => store.close() };
    });
  } else {
    test('S3 (TESSERA_TEST_S3_URL)', { skip: 'TESSERA_TEST_S3_URL is not set' }, () => {});
  }

  test('S3: the key prefix keeps deployments sharing a bucket apart', async () => {
    const server = await startLocalS3('tessera-shared');
    const options = { bucket: server.bucket, region: 'us-east-1', endpoint: server.endpoint, credentials: server.credentials, forcePathStyle: true };
    const a = new S3BlobStore({ ...options, keyPrefix: 'a' });
    const b = new S3BlobStore({ ...options, keyPrefix: 'b/' });
    try {
      await a.put('ns/x', Buffer.from('from a'));
      assert.equal(await b.head('ns/x'), undefined);
      assert.equal(a.locationOf('ns/x'), 's3://tessera-shared/a/ns/x');
      assert.equal(await b.deletePrefix('ns'), 0);
      assert.equal((await a.head('ns/x'))?.sizeBytes, 6);
    } finally {
      await a.close();
      await b.close();
      await server.stop();
    }
  });
});

describe(`filesystem blob store: kill -9 mid-write [${BACKEND}]`, () => {
  test('leaves no blob under the key, and the next open removes the temporary file', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-crash-blobs-'));
    try {
      const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', `blob-writer-child.${BUILT ? 'js' : 'ts'}`);
      const proc = spawn(process.execPath, [...(BUILT ? [] : ['--import', 'tsx']), child, root, 'ns_1/obj_1/blob_1'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(proc, 'exit');
      try {
        let out = '';
        proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
        const deadline = Date.now() + 60_000;
        while (!out.includes('writing')) {
          assert.ok(Date.now() < deadline && proc.exitCode === null && proc.signalCode === null, `the child did not start writing: ${out}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(proc.exitCode, null, 'the child is still writing when killed');
        proc.kill('SIGKILL');
        await exited;
        assert.equal(proc.signalCode, 'SIGKILL');
        assert.ok(!out.includes('finished'));
      } finally {
        // Never leave an endless writer behind (its pipe would also keep this test process alive).
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      }
      const temps = fs.readdirSync(path.join(root, '.tmp'));
      assert.equal(temps.length, 1, 'the interrupted write left its temporary file');
      assert.ok(fs.statSync(path.join(root, '.tmp', temps[0]!)).size > 1024 * 1024, 'megabytes were written before the kill');

      const young = await FilesystemBlobStore.open({ root, signingKey: Buffer.alloc(32, 1), publicUrl: 'http://x' });
      assert.equal(await young.head('ns_1/obj_1/blob_1'), undefined);
      assert.equal(young.removedTempFiles, 0, 'a young temporary file may be a live upload of another process');
      const reopened = await FilesystemBlobStore.open({ root, signingKey: Buffer.alloc(32, 1), publicUrl: 'http://x', staleTempMs: 0 });
      assert.equal(reopened.removedTempFiles, 1);
      assert.deepEqual(fs.readdirSync(path.join(root, '.tmp')), []);
      assert.equal(await reopened.head('ns_1/obj_1/blob_1'), undefined);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe(`blob transfer routes refuse what the token does not allow [${BACKEND}]`, () => {
  let t: TestApp;
  let store: FilesystemBlobStore;
  let baseUrl: string;
  before(async () => ({ t, store, baseUrl } = await listeningTessera()));
  after(() => t?.close());

  const key = () => `ns_x/obj_${randomBytes(4).toString('hex')}/blob`;
  const putUrl = (k: string, maxBytes = 1000) => store.presignPut(k, { contentType: 'text/csv', maxBytes, expiresInSeconds: 60 });

  async function expectError(res: Response, status: number, type: string): Promise<Record<string, any>> {
    const body = (await res.json()) as Record<string, any>;
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(body.success, false);
    assert.equal(body.status, status);
    assert.equal(body.error.type, type);
    return body;
  }

  test('an expired token: 403, nothing stored', async () => {
    const k = key();
    const token = store.transfers.sign({ method: 'PUT', key: k, contentType: 'text/csv', maxBytes: 1000, filename: null }, Date.now() - 1);
    const res = await fetch(`${baseUrl}/v1/blob-transfer/${token}`, { method: 'PUT', body: 'a,b', headers: { 'content-type': 'text/csv' } });
    const body = await expectError(res, 403, 'ForbiddenError');
    assert.equal(body.error.message, 'The transfer link is invalid or has expired');
    assert.equal(await store.head(k), undefined);
  });

  test('a tampered token (payload or signature changed): 403 with the same message', async () => {
    const k = key();
    const url = await putUrl(k);
    const token = url.split('/').pop()!;
    const [payload, signature] = token.split('.') as [string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString());
    forged.mb = 10 ** 12;
    const variants = [
      `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`,
      `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      payload,
      'not-a-token',
    ];
    for (const bad of variants) {
      const res = await fetch(`${baseUrl}/v1/blob-transfer/${bad}`, { method: 'PUT', body: 'a,b', headers: { 'content-type': 'text/csv' } });
      const body = await expectError(res, 403, 'ForbiddenError');
      assert.equal(body.error.message, 'The transfer link is invalid or has expired');
    }
    assert.equal(await store.head(k), undefined);
  });

  test('a token is single-purpose: a GET token cannot PUT, a PUT token cannot GET', async () => {
    const k = key();
    await store.put(k, Buffer.from('kept'), { contentType: 'text/csv' });
    const getUrl = await store.presignGet(k, { expiresInSeconds: 60 });
    await expectError(await fetch(getUrl, { method: 'PUT', body: 'overwritten', headers: { 'content-type': 'text/csv' } }), 403, 'ForbiddenError');
    await expectError(await fetch(await putUrl(k)), 403, 'ForbiddenError');
    assert.equal((await fetch(getUrl)).status, 200);
    assert.deepEqual(await new Response((await store.open(k)) as unknown as ReadableStream).text(), 'kept');
  });

  test('a body over maxBytes: 413 and nothing stored (declared length, and streamed without one)', async () => {
    const k = key();
    const url = await putUrl(k, 1000);
    const declared = await fetch(url, { method: 'PUT', body: Buffer.alloc(1001, 1), headers: { 'content-type': 'text/csv' } });
    await expectError(declared, 413, 'PayloadTooLargeError');
    assert.equal(await store.head(k), undefined);
    // Chunked: the limit is found while streaming.
    const streamed = await fetch(url, {
      method: 'PUT',
      body: Readable.toWeb(generated(5 * 1024 * 1024)) as ReadableStream,
      headers: { 'content-type': 'text/csv' },
      duplex: 'half',
    } as RequestInit);
    await expectError(streamed, 413, 'PayloadTooLargeError');
    assert.equal(await store.head(k), undefined);
    assert.deepEqual(fs.readdirSync(path.join(t.config.dataDir, 'blobs', '.tmp')), [], 'no temporary file left');
    const ok = await fetch(url, { method: 'PUT', body: Buffer.alloc(1000, 1), headers: { 'content-type': 'text/csv' } });
    assert.equal(ok.status, 200);
    assert.equal((await store.head(k))?.sizeBytes, 1000);
  });

  test('a wrong or missing Content-Type: 400 content_type_mismatch, nothing stored', async () => {
    const k = key();
    const url = await putUrl(k);
    const variants: Record<string, string>[] = [{ 'content-type': 'text/plain' }, { 'content-type': 'application/json' }, {}];
    for (const headers of variants) {
      const res = await fetch(url, { method: 'PUT', body: Buffer.from('{"a":1}'), headers });
      const body = await expectError(res, 400, 'BadRequestError');
      assert.equal(body.error.details.expected_content_type, 'text/csv');
    }
    assert.equal(await store.head(k), undefined);
  });

  test('a successful PUT answers 200 with the SHA-256 ETag; GET streams it back with its headers; a missing blob is 404', async () => {
    const k = key();
    const res = await fetch(await putUrl(k), { method: 'PUT', body: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    const head = await store.head(k);
    assert.equal(res.headers.get('etag'), `"${head?.etag}"`);
    const got = await fetch(await store.presignGet(k, { expiresInSeconds: 60, filename: 'données.csv' }));
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-length'), '8');
    assert.equal(got.headers.get('etag'), `"${head?.etag}"`);
    assert.match(got.headers.get('content-disposition') ?? '', /filename\*=UTF-8''donn%C3%A9es\.csv/);
    assert.equal(await got.text(), 'a,b\n1,2\n');
    const headOnly = await fetch(await store.presignGet(k, { expiresInSeconds: 60 }), { method: 'HEAD' });
    assert.equal(headOnly.status, 200);
    assert.equal(headOnly.headers.get('content-length'), '8');
    await store.delete(k);
    await expectError(await fetch(await store.presignGet(k, { expiresInSeconds: 60 })), 404, 'NotFoundError');
  });
});

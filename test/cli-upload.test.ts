// `tessera upload DIR` against a real listening server: a folder of text files and a PNG uploaded
// through presigned URLs, then the same folder again (every file skipped as already in the bucket),
// and a run whose files all fail (exit 1 with a summary). Output is asserted in its non-TTY form.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../src/cli/run-cli.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';
import { namespaceAndBucket, type Place } from './helpers/uploads.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(args, { env: {}, stdout, stderr });
  return { code, out, err };
}

describe(`tessera upload [${BACKEND}]`, () => {
  let t: TestApp;
  let place: Place;
  let base: string;
  let dir: string;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ host: '127.0.0.1', port, publicUrl: base });
    place = await namespaceAndBucket(t, { properties: { file: { type: 'binary' } } });
    await t.app.listen({ host: '127.0.0.1', port });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-upload-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'alpha\n');
    fs.mkdirSync(path.join(dir, 'notes'));
    fs.writeFileSync(path.join(dir, 'notes', 'b.md'), '# beta\n');
    fs.writeFileSync(path.join(dir, 'pixel.png'), PNG);
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const args = (extra: string[] = []) => ['upload', dir, '--bucket', place.bucketId, '--namespace', place.namespaceName, '--api-url', base, '--api-key', t.adminKey, '--property', 'file', '--concurrency', '2', ...extra];

  test('uploads every file (one line each, then a summary); a second run skips them all', async () => {
    const first = await cli(args());
    assert.equal(first.code, 0, first.out + first.err);
    const lines = first.out.trim().split('\n');
    assert.equal(lines.length, 4, first.out);
    for (const name of ['a.txt', 'notes/b.md', 'pixel.png']) assert.ok(lines.some((l) => new RegExp(`^uploaded ${name} \\(\\d+ bytes\\) upl_[a-z0-9]{16} obj_`).test(l)), `${name} in ${first.out}`);
    assert.match(lines.at(-1)!, new RegExp(`^done: 3 uploaded, 0 skipped, 0 failed, ${6 + 7 + PNG.length} bytes in [\\d.]+ s$`));

    const list = (await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketId}/uploads/list`, headers: { 'x-namespace': place.namespaceId }, payload: {} })).json();
    assert.deepEqual(list.stats.uploads_by_status, { COMPLETED: 3 });

    const second = await cli(args());
    assert.equal(second.code, 0, second.out + second.err);
    const again = second.out.trim().split('\n');
    assert.equal(again.filter((l) => /^skipped .+ \(already in the bucket: upl_[a-z0-9]{16}\)$/.test(l)).length, 3, second.out);
    assert.match(again.at(-1)!, /^done: 0 uploaded, 3 skipped, 0 failed/);
  });

  test('files that fail: a line each, a summary, exit code 1', async () => {
    const failing = await cli(['upload', dir, '--bucket', place.bucketId, '--namespace', place.namespaceId, '--api-url', base, '--api-key', t.adminKey, '--property', 'not_in_schema']);
    assert.equal(failing.code, 1, failing.out + failing.err);
    const lines = failing.out.trim().split('\n');
    assert.equal(lines.filter((l) => /^failed .+: POST .+ 400 blob_property 'not_in_schema'/.test(l)).length, 3, failing.out);
    assert.match(lines.at(-1)!, /^done: 0 uploaded, 0 skipped, 3 failed/);
    assert.match(failing.err, /3 files failed/);
    const noKey = await cli(['upload', dir, '--bucket', place.bucketId, '--namespace', place.namespaceId, '--api-url', base]);
    assert.equal(noKey.code, 1);
    assert.match(noKey.err, /API key/);
  });
});

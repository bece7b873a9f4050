// Blob requests and blob intake (SPEC §8): every data form, strict base64 and size caps, and real
// bytes sniffed and stored in a real directory, fetched from a real local HTTP server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { normaliseBucketSchema } from '../src/engine/buckets/bucket-schema.ts';
import { BadRequestError, NotFoundError, PayloadTooLargeError, UrlValidationError } from '../src/engine/errors.ts';
import { parseBlobRequest } from '../src/engine/objects/blob-input.ts';
import { BlobIntake, type BlobOwner } from '../src/engine/objects/blob-intake.ts';
import { decodeBase64Strict } from '../src/lib/strict-base64.ts';
import { TIERS } from '../src/engine/accounts/tiers.ts';
import * as files from './helpers/blob-fixtures.ts';
import { FsBlobStore, HttpUrlFetcher } from './helpers/blob-doubles.ts';

const schema = normaliseBucketSchema({
  properties: {
    content: { type: 'TEXT' },
    photo: { type: 'image' },
    clip: { type: 'video' },
    voice: { type: 'audio' },
    report: { type: 'pdf' },
    sheet: { type: 'excel' },
    doc: { type: 'document' },
    raw: { type: 'binary' },
    title: { type: 'string' },
  },
});
const CAP = TIERS.free.blobs.inlineMaxBytes;
const parse = (raw: unknown, cap = CAP) => parseBlobRequest(raw, schema, cap, 'blobs[0]');
const b64 = (b: Buffer) => b.toString('base64');

function throwsWith<E extends Error>(fn: () => unknown, cls: new (...a: never[]) => E, check: (e: E) => void = () => {}): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    check(e);
    return true;
  });
}

describe('blob requests', () => {
  test('URL strings and {url}', () => {
    assert.deepEqual(parse({ property: 'photo', type: 'IMAGE', data: 'https://example.com/a.png' }).source, { kind: 'url', url: 'https://example.com/a.png' });
    assert.deepEqual(parse({ property: 'photo', type: 'image', data: { url: 's3://b/k.png' } }).source, { kind: 'url', url: 's3://b/k.png' });
    // A URL for a text field is fetched, not stored as its own text.
    assert.equal(parse({ property: 'content', type: 'text', data: 'http://example.com/a.txt' }).source.kind, 'url');
    throwsWith(() => parse({ property: 'photo', type: 'image', data: `https://e.com/${'a'.repeat(2083)}` }), UrlValidationError, (e) => assert.equal(e.details?.reason, 'too_long'));
    throwsWith(() => parse({ property: 'photo', type: 'image', data: { url: 'ftp://e.com/a' } }), UrlValidationError);
  });

  test('data URIs (base64 and percent-encoded) and {base64, mime_type, filename}', () => {
    const png = files.png();
    const fromUri = parse({ property: 'photo', type: 'image', data: `data:image/png;base64,${b64(png)}` }).source;
    assert.ok(fromUri.kind === 'bytes' && fromUri.bytes.equals(png) && fromUri.mimeHint === 'image/png');
    const dict = parse({ property: 'photo', type: 'image', data: { base64: b64(png), mime_type: 'IMAGE/PNG', filename: '../../etc/p.png' } }).source;
    assert.ok(dict.kind === 'bytes' && dict.bytes.equals(png) && dict.filename === 'p.png' && dict.mimeHint === 'image/png');
    const pct = parse({ property: 'content', type: 'text', data: 'data:text/plain,hello%20world' }).source;
    assert.ok(pct.kind === 'bytes' && pct.bytes.toString() === 'hello world');
    // Line-wrapped and URL-safe base64 are base64 too.
    const wrapped = b64(files.gif()).replace(/(.{16})/g, '$1\r\n');
    assert.equal(parse({ property: 'photo', type: 'image', data: { base64: wrapped } }).source.kind, 'bytes');
    assert.equal(parse({ property: 'photo', type: 'image', data: { base64: png.toString('base64url') } }).source.kind, 'bytes');
  });

  test('inline text and JSON only for text fields', () => {
    const text = parse({ property: 'content', type: 'Text', data: 'Hello, world' }).source;
    assert.ok(text.kind === 'bytes' && text.origin === 'inline' && text.mimeHint === 'text/plain');
    const json = parse({ property: 'content', type: 'json', data: { title: 'Service Agreement', pages: 5 } }).source;
    assert.ok(json.kind === 'bytes' && json.mimeHint === 'application/json' && JSON.parse(json.bytes.toString()).pages === 5);
    assert.equal(parse({ property: 'content', type: 'text', data: [1, 2] }).source.kind, 'bytes');
    throwsWith(() => parse({ property: 'photo', type: 'image', data: 'just words' }), BadRequestError, (e) => assert.equal(e.details?.field, 'blobs[0].data'));
    throwsWith(() => parse({ property: 'photo', type: 'image', data: { title: 'x' } }), BadRequestError);
  });

  test('exactly one of data and upload_id', () => {
    assert.deepEqual(parse({ property: 'photo', type: 'image', upload_id: 'upl_abc123' }).source, { kind: 'upload', uploadId: 'upl_abc123' });
    throwsWith(() => parse({ property: 'photo', type: 'image' }), BadRequestError);
    throwsWith(() => parse({ property: 'photo', type: 'image', data: null, upload_id: null }), BadRequestError);
    throwsWith(() => parse({ property: 'photo', type: 'image', data: 'https://e.com/a.png', upload_id: 'upl_abc' }), BadRequestError);
    throwsWith(() => parse({ property: 'photo', type: 'image', upload_id: 'abc' }), BadRequestError, (e) => assert.equal(e.details?.field, 'blobs[0].upload_id'));
  });

  test('property and type must match a blob field of the schema', () => {
    throwsWith(() => parse({ property: 'nope', type: 'image', data: 'https://e.com/a' }), BadRequestError, (e) => assert.equal(e.code, 'unknown_blob_property'));
    throwsWith(() => parse({ property: 'title', type: 'string', data: 'x' }), BadRequestError, (e) => assert.equal(e.code, 'unknown_blob_property'));
    throwsWith(() => parse({ property: 'photo', type: 'video', data: 'https://e.com/a' }), BadRequestError, (e) => assert.equal(e.code, 'blob_type_mismatch'));
    throwsWith(() => parse({ property: 'report', type: 'document', data: 'https://e.com/a' }), BadRequestError, (e) => assert.equal(e.code, 'blob_type_mismatch'));
    const full = parse({ property: 'doc', type: 'DOCUMENT', data: 'https://e.com/a', key_prefix: '/x', metadata: { a: 1 }, canonicalize_source: false, force_remirror: true });
    assert.deepEqual([full.type, full.keyPrefix, full.metadata, full.canonicalizeSource, full.forceRemirror], ['document', '/x', { a: 1 }, false, true]);
  });

  test('invalid base64 is refused; oversize base64 is refused from its length, before decoding', () => {
    for (const bad of ['@@@@', 'abcde', 'ab=c', 'a+b_', '====']) {
      throwsWith(() => parse({ property: 'photo', type: 'image', data: { base64: bad } }), BadRequestError, (e) => assert.equal(e.code, 'invalid_base64'));
    }
    throwsWith(() => parse({ property: 'photo', type: 'image', data: 'data:image/png;base64,!!!!' }), BadRequestError);
    // 'A' × n decodes to 3n/4 bytes: the size is reported from the length alone.
    const big = 'A'.repeat(Math.ceil(((CAP + 1) * 4) / 3) + 4);
    throwsWith(() => parse({ property: 'photo', type: 'image', data: { base64: big } }), PayloadTooLargeError, (e) => {
      assert.equal(e.status, 413);
      assert.deepEqual([e.details?.size_bytes, e.details?.limit_bytes], [(big.length * 3) / 4, CAP]);
    });
    assert.deepEqual(decodeBase64Strict(b64(Buffer.alloc(101)), 100), { ok: false, reason: 'too_large', decodedBytes: 101 });
    throwsWith(() => parse({ property: 'content', type: 'text', data: 'x'.repeat(101) }, 100), PayloadTooLargeError);
    throwsWith(() => parse({ property: 'content', type: 'text', data: { big: 'x'.repeat(200) } }, 100), PayloadTooLargeError);
  });
});

describe('blob intake', () => {
  let dir: string;
  let store: FsBlobStore;
  let server: http.Server;
  let base: string;
  let intake: BlobIntake;
  const owner: BlobOwner = { orgInternalId: 'int_a1', namespaceId: 'ns_b2', bucketId: 'bkt_c3', objectId: 'obj_d4', tier: 'free' };
  const now = new Date('2025-01-02T03:04:05Z');
  const routes: Record<string, [string, Buffer]> = {
    '/photo.png': ['text/html', files.png()],
    '/notes.txt': ['image/png', Buffer.from('plain words')],
    '/big.bin': ['application/octet-stream', Buffer.alloc(4096, 1)],
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-intake-'));
    store = new FsBlobStore(dir);
    server = http.createServer((req, res) => {
      const route = routes[req.url ?? ''];
      if (route === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': route[0] }).end(route[1]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    intake = new BlobIntake({ blobStore: store, urlFetcher: new HttpUrlFetcher(), clock: { now: () => now } });
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ingest = (raw: Record<string, unknown>, options = {}) => intake.ingest(owner, parse(raw), { path: 'blobs[0]', ...options });
  const stored = async (raw: Record<string, unknown>, options = {}) => {
    const result = await ingest(raw, options);
    assert.equal(result.status, 'stored');
    return (result as Extract<typeof result, { status: 'stored' }>).blob;
  };

  test('a PNG is sniffed, hashed and stored at a key made of ids only', async () => {
    const png = files.png();
    const blob = await stored({ property: 'photo', type: 'image', data: { base64: b64(png), mime_type: 'application/pdf', filename: 'red.png' }, key_prefix: '/imgs', metadata: { alt: 'red' } }, { blobId: 'blob_e5' });
    assert.equal(blob.storageKey, 'int_a1/ns_b2/bkt_c3/obj_d4/blob_e5');
    assert.equal(blob.mimeType, 'image/png', 'sniffed, not the client mime_type');
    assert.equal(blob.hash, createHash('sha256').update(png).digest('hex'));
    assert.deepEqual([blob.sizeBytes, blob.filename, blob.keyPrefix, blob.location, blob.createdAt], [png.length, 'red.png', '/imgs', 's3://tessera-test/int_a1/ns_b2/bkt_c3/obj_d4/blob_e5', now]);
    assert.deepEqual(blob.metadata, { alt: 'red' });
    assert.ok(fs.readFileSync(path.join(dir, blob.storageKey!)).equals(png));
  });

  test('each field type takes its own kind of bytes', async () => {
    const cases: [string, Buffer, string, Record<string, unknown>?][] = [
      ['photo', files.jpeg(), 'image/jpeg'],
      ['photo', files.gif(), 'image/gif'],
      ['clip', files.gif(), 'image/gif'],
      ['clip', files.mp4(), 'video/mp4'],
      ['voice', files.wav(), 'audio/wav'],
      ['report', files.pdf(), 'application/pdf'],
      ['sheet', files.xlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['sheet', Buffer.from('a,b\n1,2\n'), 'text/csv', { mime_type: 'text/csv' }],
      ['doc', files.pdf(), 'application/pdf'],
      ['doc', files.xlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['raw', files.garbage(), 'application/octet-stream'],
      ['raw', files.png(), 'image/png'],
      ['content', Buffer.from('{"a": [1, 2]}'), 'application/json'],
      ['content', Buffer.from('naïve café ☕'), 'text/plain'],
    ];
    for (const [property, bytes, mime, extra] of cases) {
      const blob = await stored({ property, type: schema.properties[property]!.type, data: { base64: b64(bytes), ...extra } });
      assert.equal(blob.mimeType, mime, `${property} ← ${mime}`);
    }
    assert.equal((await stored({ property: 'content', type: 'text', data: { x: 1 } })).mimeType, 'application/json');
  });

  test('bytes of the wrong kind are refused and nothing is stored', async () => {
    const before = store.count();
    const cases: [string, Buffer][] = [
      ['photo', Buffer.from('plain text, not an image')],
      ['photo', files.pdf()],
      ['clip', files.png()],
      ['voice', files.mp4()],
      ['report', files.garbage()],
      ['sheet', files.pdf()],
      ['sheet', Buffer.from('a,b\n1,2\n')],
      ['doc', files.png()],
      ['content', files.garbage()],
      ['content', Buffer.from('nul\u0000inside')],
    ];
    for (const [property, bytes] of cases) {
      await assert.rejects(ingest({ property, type: schema.properties[property]!.type, data: { base64: b64(bytes) } }), (e: unknown) => {
        assert.ok(e instanceof BadRequestError, String(e));
        assert.equal(e.code, 'blob_content_mismatch');
        assert.equal(e.details?.field, 'blobs[0]');
        return true;
      });
    }
    assert.equal(store.count(), before);
  });

  test('URL blobs are fetched, sniffed (not trusting Content-Type) and mirrored', async () => {
    const blob = await stored({ property: 'photo', type: 'image', data: `${base}/photo.png` });
    assert.deepEqual([blob.mimeType, blob.filename, blob.sourceUrl], ['image/png', 'photo.png', `${base}/photo.png`]);
    assert.ok(fs.readFileSync(path.join(dir, blob.storageKey!)).equals(files.png()));
    await assert.rejects(ingest({ property: 'photo', type: 'image', data: { url: `${base}/notes.txt` } }), BadRequestError);
    await assert.rejects(ingest({ property: 'photo', type: 'image', data: `${base}/missing.png` }), UrlValidationError);
    // canonicalize_source=false: checked, not stored; the blob points at its source.
    const linked = await stored({ property: 'photo', type: 'image', data: `${base}/photo.png`, canonicalize_source: false });
    assert.deepEqual([linked.storageKey, linked.location], [null, `${base}/photo.png`]);
  });

  test('tier caps bound URL and inline bytes', async () => {
    const small = new BlobIntake({ blobStore: store, urlFetcher: new HttpUrlFetcher(), clock: { now: () => now }, limits: { ...Object.fromEntries(Object.entries(TIERS).map(([t, p]) => [t, p.blobs])), free: { inlineMaxBytes: 100, uploadMaxBytes: 100, urlMaxBytes: 1000 } } as never });
    // The fetcher is given the tier's URL cap (the real one refuses with URLValidationError 'too_large').
    await assert.rejects(small.ingest(owner, parse({ property: 'raw', type: 'binary', data: `${base}/big.bin` })), (e: unknown) => e instanceof UrlValidationError && e.details?.reason === 'too_large');
    await assert.rejects(small.ingest(owner, parse({ property: 'content', type: 'text', data: 'y'.repeat(101) })), PayloadTooLargeError);
    assert.equal((await small.ingest({ ...owner, tier: 'pro' }, parse({ property: 'raw', type: 'binary', data: `${base}/big.bin` }))).status, 'stored');
  });

  test('skip_duplicates asks the caller whether the hash exists', async () => {
    const png = files.png();
    const hash = createHash('sha256').update(png).digest('hex');
    const seen: string[] = [];
    const existsByHash = (h: string) => (seen.push(h), h === hash);
    assert.deepEqual(await ingest({ property: 'photo', type: 'image', data: { base64: b64(png) } }, { skipDuplicates: true, existsByHash }), { status: 'duplicate', property: 'photo', hash });
    assert.equal((await ingest({ property: 'photo', type: 'image', data: { base64: b64(png) } }, { skipDuplicates: false, existsByHash })).status, 'stored');
    assert.equal((await ingest({ property: 'photo', type: 'image', data: { base64: b64(files.gif()) } }, { skipDuplicates: true, existsByHash })).status, 'stored');
    assert.equal(seen.length, 2);
  });

  test('upload_id reads the confirmed upload where it is stored', async () => {
    const key = 'int_a1/ns_b2/uploads/upl_u1/file';
    await store.put(key, files.pdf());
    const resolveUpload = async (id: string) => (id === 'upl_u1' ? { storageKey: key, filename: 'q3 report.pdf', contentType: 'application/pdf' } : undefined);
    const blob = await stored({ property: 'report', type: 'pdf', upload_id: 'upl_u1' }, { resolveUpload });
    assert.deepEqual([blob.storageKey, blob.uploadId, blob.filename, blob.mimeType, blob.sizeBytes], [key, 'upl_u1', 'q3 report.pdf', 'application/pdf', files.pdf().length]);
    await assert.rejects(ingest({ property: 'report', type: 'pdf', upload_id: 'upl_nope' }, { resolveUpload }), NotFoundError);
    await assert.rejects(ingest({ property: 'photo', type: 'image', upload_id: 'upl_u1' }, { resolveUpload }), BadRequestError);
  });

  test("s3:// URLs copy this organization's own blobs and nothing else", async () => {
    const first = await stored({ property: 'photo', type: 'image', data: { base64: b64(files.png()) } });
    const copy = await stored({ property: 'photo', type: 'image', data: first.location });
    assert.notEqual(copy.storageKey, first.storageKey);
    assert.equal(copy.hash, first.hash);
    await assert.rejects(intake.ingest({ ...owner, orgInternalId: 'int_other' }, parse({ property: 'photo', type: 'image', data: first.location })), UrlValidationError);
    await assert.rejects(ingest({ property: 'photo', type: 'image', data: 's3://someone-else/x.png' }), UrlValidationError);
    await assert.rejects(ingest({ property: 'photo', type: 'image', data: 's3://tessera-test/int_a1/../int_b/x' }), UrlValidationError);
  });
});

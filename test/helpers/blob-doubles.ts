// Stand-ins for the blob store and URL fetcher adapters, for the blob intake test until the real
// ones (src/adapters/blobs/filesystem-blob-store.ts, the safe fetcher) are on main: a plain
// directory store and an unguarded fetch of a local test server. Replace them when those land.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { UrlValidationError } from '../../src/engine/errors.ts';
import type { BlobHead, BlobKey, BlobPutOptions, BlobStore, StoredBlob } from '../../src/engine/ports/blob-store.ts';
import type { FetchedUrl, FetchLimits, UrlFetcher } from '../../src/engine/ports/url-fetcher.ts';

const KEY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

export class FsBlobStore implements BlobStore {
  readonly kind = 'filesystem' as const;
  constructor(private readonly root: string) {}

  private file(key: BlobKey): string {
    if (!KEY.test(key) || key.split('/').includes('..')) throw new Error(`bad key ${key}`);
    return path.join(this.root, key);
  }

  async put(key: BlobKey, body: Uint8Array | Readable, options: BlobPutOptions = {}): Promise<StoredBlob> {
    const chunks: Buffer[] = [];
    if (body instanceof Uint8Array) chunks.push(Buffer.from(body));
    else for await (const c of body as AsyncIterable<Buffer>) chunks.push(c);
    const bytes = Buffer.concat(chunks);
    if (options.maxBytes !== undefined && bytes.length > options.maxBytes) throw new Error('too large');
    const file = this.file(key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, bytes);
    fs.renameSync(`${file}.tmp`, file);
    return { key, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: options.contentType ?? null };
  }

  async head(key: BlobKey): Promise<BlobHead | undefined> {
    const stat = fs.statSync(this.file(key), { throwIfNoEntry: false });
    return stat === undefined ? undefined : { sizeBytes: stat.size, contentType: null, etag: String(stat.mtimeMs) };
  }

  async read(key: BlobKey): Promise<{ head: BlobHead; body: Readable } | undefined> {
    const head = await this.head(key);
    return head && { head, body: fs.createReadStream(this.file(key)) };
  }

  async open(key: BlobKey): Promise<Readable | undefined> {
    return fs.existsSync(this.file(key)) ? fs.createReadStream(this.file(key)) : undefined;
  }

  async delete(key: BlobKey): Promise<void> {
    fs.rmSync(this.file(key), { force: true });
  }

  async deletePrefix(prefix: BlobKey): Promise<number> {
    fs.rmSync(this.file(prefix), { recursive: true, force: true });
    return 0;
  }

  presignPut(): Promise<string> {
    throw new Error('not in this stand-in');
  }

  presignGet(): Promise<string> {
    throw new Error('not in this stand-in');
  }

  locationOf(key: BlobKey): string {
    return `s3://tessera-test/${key}`;
  }

  async close(): Promise<void> {}

  /** Files stored, for "nothing was stored" checks. */
  count(): number {
    return fs.readdirSync(this.root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  }
}

export class HttpUrlFetcher implements UrlFetcher {
  async fetch(url: string, limits: FetchLimits): Promise<FetchedUrl> {
    const response = await fetch(url, { signal: AbortSignal.timeout(limits.timeoutMs) });
    if (response.status !== 200) throw new UrlValidationError(`${url} answered ${response.status}`, { reason: 'unreachable', status: response.status });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > limits.maxBytes) throw new UrlValidationError(`${url} is over ${limits.maxBytes} bytes`, { reason: 'too_large' });
    const last = new URL(response.url).pathname.split('/').pop();
    return { bytes, contentType: response.headers.get('content-type'), finalUrl: response.url, filename: last ? decodeURIComponent(last) : null };
  }
}

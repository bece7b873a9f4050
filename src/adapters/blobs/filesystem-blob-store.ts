// The local filesystem blob store, under <dataDir>/blobs:
//   objects/<key>      one file per blob: a fixed 1 KiB header (size, SHA-256, content type) then
//                      the bytes. One file, so one rename publishes bytes and metadata together.
//   .tmp/<random>.part writes in progress, on the same filesystem so the final rename is atomic.
// A put streams into a temporary file, fsyncs it, renames it over the key and fsyncs the directory:
// readers see the old blob or the new one, never part of one, and a crash leaves only a .part file,
// removed by the next open once it is older than staleTempMs (younger ones may be another live
// process's uploads, when several processes share the data directory).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobHead, BlobKey, BlobPutOptions, BlobStore, PresignGetOptions, PresignPutOptions, StoredBlob } from '../../engine/ports/blob-store.ts';
import { validateBlobKey } from './blob-key.ts';
import { MeteredBody } from './metered-body.ts';
import { TransferTokenSigner } from './transfer-token.ts';

const HEADER_BYTES = 1024;
const MAGIC = 'TESSERA-BLOB 1\n';
/** Content types are short tokens (RFC 9110); the bound keeps the header fixed-size. */
const MAX_CONTENT_TYPE_LENGTH = 255;
const NOT_THERE = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export interface FilesystemBlobStoreOptions {
  /** The store's directory (<dataDir>/blobs). */
  root: string;
  /** Signs the transfer tokens of presigned URLs (TESSERA_SIGNING_KEY or <dataDir>/signing.key). */
  signingKey: Buffer;
  /** Where clients reach this Tessera: presigned URLs are <publicUrl>/v1/blob-transfer/<token>. */
  publicUrl: string;
  /** Temporary files older than this are a crashed write's and are removed on open (default 1 hour). */
  staleTempMs?: number;
  now?: () => number;
}

interface Header {
  sizeBytes: number;
  sha256: string;
  contentType: string | null;
}

export class FilesystemBlobStore implements BlobStore {
  readonly kind = 'filesystem' as const;
  readonly transfers: TransferTokenSigner;
  private readonly objectsDir: string;
  private readonly tempDir: string;
  private readonly publicUrl: string;
  private readonly now: () => number;

  private constructor(options: FilesystemBlobStoreOptions) {
    this.objectsDir = path.join(options.root, 'objects');
    this.tempDir = path.join(options.root, '.tmp');
    this.transfers = new TransferTokenSigner(options.signingKey);
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
  }

  /**
   * Removes stale temporary files (`removedTempFiles` says how many). The directories are made by
   * the first put: a process that never stores a blob leaves the data directory as it found it.
   */
  static async open(options: FilesystemBlobStoreOptions): Promise<FilesystemBlobStore & { removedTempFiles: number }> {
    const store = new FilesystemBlobStore(options);
    const removedTempFiles = await store.removeStaleTemps(options.staleTempMs ?? 60 * 60 * 1000);
    return Object.assign(store, { removedTempFiles });
  }

  async put(key: BlobKey, body: Uint8Array | Readable, options: BlobPutOptions = {}): Promise<StoredBlob> {
    const segments = validateBlobKey(key);
    const contentType = checkContentType(options.contentType);
    const temp = path.join(this.tempDir, `${randomBytes(12).toString('hex')}.part`);
    await fs.mkdir(this.tempDir, { recursive: true, mode: 0o700 });
    const file = await fs.open(temp, 'wx', 0o600);
    let closed = false;
    try {
      const meter = new MeteredBody(body, options.maxBytes);
      let position = HEADER_BYTES;
      for await (const chunk of meter.chunks()) {
        for (let offset = 0; offset < chunk.length; ) {
          const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset, position);
          offset += bytesWritten;
          position += bytesWritten;
        }
      }
      const stored: StoredBlob = { key, sizeBytes: meter.sizeBytes, sha256: meter.sha256(), contentType };
      const header = encodeHeader(stored);
      await file.write(header, 0, header.length, 0);
      await file.sync();
      await file.close();
      closed = true;
      await this.publish(temp, segments);
      return stored;
    } catch (err) {
      if (!closed) await file.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async head(key: BlobKey): Promise<BlobHead | undefined> {
    const file = await this.openFile(key);
    if (!file) return undefined;
    try {
      return toHead(await readHeader(file));
    } finally {
      await file.close();
    }
  }

  async open(key: BlobKey): Promise<Readable | undefined> {
    return (await this.read(key))?.body;
  }

  async read(key: BlobKey): Promise<{ head: BlobHead; body: Readable } | undefined> {
    const file = await this.openFile(key);
    if (!file) return undefined;
    try {
      const head = toHead(await readHeader(file));
      // The open descriptor keeps reading this version even if a put replaces the name meanwhile.
      return { head, body: file.createReadStream({ start: HEADER_BYTES }) };
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  async delete(key: BlobKey): Promise<void> {
    try {
      await fs.unlink(this.pathOf(key));
    } catch (err) {
      if (!NOT_THERE.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
  }

  async deletePrefix(prefix: BlobKey): Promise<number> {
    const dir = this.pathOf(prefix);
    let entries;
    try {
      entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
    } catch (err) {
      if (NOT_THERE.has((err as NodeJS.ErrnoException).code ?? '')) return 0;
      throw err;
    }
    const count = entries.filter((e) => e.isFile()).length;
    await fs.rm(dir, { recursive: true, force: true });
    return count;
  }

  async presignPut(key: BlobKey, options: PresignPutOptions): Promise<string> {
    validateBlobKey(key);
    checkContentType(options.contentType);
    const token = this.transfers.sign(
      { method: 'PUT', key, contentType: options.contentType, maxBytes: options.maxBytes, filename: null },
      this.now() + options.expiresInSeconds * 1000,
    );
    return `${this.publicUrl}/v1/blob-transfer/${token}`;
  }

  async presignGet(key: BlobKey, options: PresignGetOptions): Promise<string> {
    validateBlobKey(key);
    const token = this.transfers.sign(
      { method: 'GET', key, contentType: null, maxBytes: null, filename: options.filename ?? null },
      this.now() + options.expiresInSeconds * 1000,
    );
    return `${this.publicUrl}/v1/blob-transfer/${token}`;
  }

  /** Not a URL anyone can fetch: the store's own address, shown where Mixpeek shows s3://bucket/key. */
  locationOf(key: BlobKey): string {
    validateBlobKey(key);
    return `tessera://blobs/${key}`;
  }

  async close(): Promise<void> {}

  private pathOf(key: BlobKey): string {
    return path.join(this.objectsDir, ...validateBlobKey(key));
  }

  private async openFile(key: BlobKey): Promise<fs.FileHandle | undefined> {
    try {
      return await fs.open(this.pathOf(key), 'r');
    } catch (err) {
      if (NOT_THERE.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw err;
    }
  }

  /** Renames the finished file over the key; retries when a concurrent deletePrefix removed the directory. */
  private async publish(temp: string, segments: string[]): Promise<void> {
    const target = path.join(this.objectsDir, ...segments);
    const dir = path.dirname(target);
    for (let attempt = 1; ; attempt++) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      try {
        await fs.rename(temp, target);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
      }
    }
    // The rename itself is durable only once the directory is synced.
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private async removeStaleTemps(staleMs: number): Promise<number> {
    let removed = 0;
    const cutoff = this.now() - staleMs;
    const names = await fs.readdir(this.tempDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const file = path.join(this.tempDir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && stat.mtimeMs <= cutoff) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

function checkContentType(contentType: string | undefined): string | null {
  if (contentType === undefined) return null;
  if (contentType.length > MAX_CONTENT_TYPE_LENGTH || !/^[\x20-\x7e]+$/.test(contentType)) {
    throw new Error(`A blob content type must be 1-${MAX_CONTENT_TYPE_LENGTH} printable ASCII characters`);
  }
  return contentType;
}

function encodeHeader(blob: StoredBlob): Buffer {
  const json = JSON.stringify({ size: blob.sizeBytes, sha256: blob.sha256, content_type: blob.contentType });
  const text = `${MAGIC}${json}\n`;
  const header = Buffer.alloc(HEADER_BYTES, 0x20);
  header.write(text, 0, 'utf8');
  return header;
}

async function readHeader(file: fs.FileHandle): Promise<Header> {
  const buffer = Buffer.alloc(HEADER_BYTES);
  const { bytesRead } = await file.read(buffer, 0, HEADER_BYTES, 0);
  const text = buffer.subarray(0, bytesRead).toString('utf8');
  if (bytesRead < HEADER_BYTES || !text.startsWith(MAGIC)) throw new Error('Not a Tessera blob file (bad header)');
  const parsed = JSON.parse(text.slice(MAGIC.length, text.indexOf('\n', MAGIC.length))) as { size: number; sha256: string; content_type: string | null };
  return { sizeBytes: parsed.size, sha256: parsed.sha256, contentType: parsed.content_type };
}

function toHead(header: Header): BlobHead {
  return { sizeBytes: header.sizeBytes, contentType: header.contentType, etag: header.sha256 };
}

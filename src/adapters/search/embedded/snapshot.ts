// A namespace's embedded index on disk: <root>/<namespace>/, a manifest naming the files of one
// consistent state and the change-log positions it reflects. Files are written under temporary
// names, synced and renamed; the manifest is written the same way last, then the directory is
// synced. A crash at any point leaves the previous manifest and every file it names, or the new
// one complete. Each file's size and SHA-256 are in the manifest and checked on reading, and a
// format number guards against a layout this code does not know: a snapshot that fails any check
// is not used (the namespace is rebuilt from the database).
//
//   manifest.json                  what follows, as JSON
//   docs-<tag>.ndjson              documents, 500 per line as a JSON array of [id, organization, collection, view, text, slots]
//   space-<key>-<tag>.bin          a vector name's slots: float32 × dimensions × slots, then one ANN state byte per slot
//   ann-<key>-<tag>.hnsw           the HNSW graph (hnswlib's format), written by a build; reused by later snapshots
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Entry } from './namespace-index.ts';
import type { FileRef } from './types.ts';
import type { PinnedSpace } from './vector-space.ts';

export type { FileRef } from './types.ts';

export const SNAPSHOT_FORMAT = 1;
const MANIFEST = 'manifest.json';
/** Bytes hashed or written per step: a few milliseconds of the event loop each. */
const CHUNK = 2 * 1024 * 1024;

export interface SpaceManifest {
  name: string;
  dimensions: number;
  slotCount: number;
  file: FileRef;
  ann: FileRef | null;
}

export interface SnapshotManifest {
  format: number;
  namespaceId: string;
  appliedSeq: number;
  verifiedSeq: number;
  writtenAt: string;
  documents: FileRef & { count: number };
  spaces: SpaceManifest[];
}

export type StoredEntry = Omit<Entry, 'owner'>;

export interface SnapshotCapture {
  namespaceId: string;
  appliedSeq: number;
  verifiedSeq: number;
  entries: Entry[];
  spaces: { name: string; dimensions: number; pinned: PinnedSpace; ann: FileRef | null }[];
}

export interface LoadedSpace {
  name: string;
  dimensions: number;
  slotCount: number;
  data: Float32Array;
  annState: Uint8Array;
  /** Path of the verified graph file, or null. */
  annFile: string | null;
  ann: FileRef | null;
}

export interface LoadedSnapshot {
  manifest: SnapshotManifest;
  entries: StoredEntry[];
  spaces: LoadedSpace[];
}

/** The snapshot cannot be used: the namespace is rebuilt from the database. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export interface SnapshotHooks {
  /** Called after each data file is in place and before the manifest (crash tests stop here). */
  afterFile?: (name: string) => Promise<void> | void;
}

/** A short, file-name-safe key for a vector name. */
export function spaceKey(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 12);
}

/** Writes a complete snapshot of `capture` into `dir`; returns its manifest once committed. */
export async function writeSnapshot(dir: string, tag: string, capture: SnapshotCapture, hooks: SnapshotHooks = {}): Promise<SnapshotManifest> {
  await fs.promises.mkdir(dir, { recursive: true });
  const docsName = `docs-${tag}.ndjson`;
  const documents = await writeFileAtomically(path.join(dir, docsName), documentLines(capture.entries));
  await hooks.afterFile?.(docsName);
  const spaces: SpaceManifest[] = [];
  for (const s of capture.spaces) {
    const name = `space-${spaceKey(s.name)}-${tag}.bin`;
    const floats = s.pinned.slotCount * s.dimensions;
    const vectors = new Uint8Array(s.pinned.data.buffer, s.pinned.data.byteOffset, floats * 4);
    const file = await writeFileAtomically(path.join(dir, name), chunksOf(vectors, s.pinned.annState));
    await hooks.afterFile?.(name);
    spaces.push({ name: s.name, dimensions: s.dimensions, slotCount: s.pinned.slotCount, file, ann: s.ann });
  }
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    namespaceId: capture.namespaceId,
    appliedSeq: capture.appliedSeq,
    verifiedSeq: capture.verifiedSeq,
    writtenAt: new Date().toISOString(),
    documents: { ...documents, count: capture.entries.length },
    spaces,
  };
  await writeFileAtomically(path.join(dir, MANIFEST), single(Buffer.from(JSON.stringify(manifest))), `${MANIFEST}.${tag}.tmp`);
  await syncDirectory(dir);
  return manifest;
}

/** The manifest in `dir`, or null when there is none; throws SnapshotError when it is unreadable. */
export async function readManifest(dir: string): Promise<SnapshotManifest | null> {
  let text: string;
  try {
    text = await fs.promises.readFile(path.join(dir, MANIFEST), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as SnapshotManifest;
  } catch {
    throw new SnapshotError('the manifest is not valid JSON');
  }
}

/** Reads and checks the snapshot in `dir` (null when there is none); a graph file that fails its check is left out. */
export async function readSnapshot(dir: string, namespaceId: string, onAnnProblem: (err: unknown) => void = () => {}): Promise<LoadedSnapshot | null> {
  const manifest = await readManifest(dir);
  if (manifest === null) return null;
  if (manifest.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`format ${String(manifest.format)}, this version reads ${SNAPSHOT_FORMAT}`);
  if (manifest.namespaceId !== namespaceId) throw new SnapshotError(`the manifest is for namespace ${String(manifest.namespaceId)}`);

  const spaces: LoadedSpace[] = [];
  for (const s of manifest.spaces) {
    const floats = s.slotCount * s.dimensions;
    if (s.file.bytes !== floats * 4 + s.slotCount) throw new SnapshotError(`${s.file.name}: ${s.file.bytes} bytes for ${s.slotCount} slots of ${s.dimensions}`);
    const data = new Float32Array(new SharedArrayBuffer(floats * 4));
    const annState = new Uint8Array(s.slotCount);
    await readVerified(path.join(dir, s.file.name), s.file, [new Uint8Array(data.buffer), annState]);
    let annFile: string | null = null;
    if (s.ann) {
      // A missing or damaged graph costs a rebuild of the graph, not of the snapshot.
      try {
        await readVerified(path.join(dir, s.ann.name), s.ann, null);
        annFile = path.join(dir, s.ann.name);
      } catch (err) {
        onAnnProblem(err);
      }
    }
    spaces.push({ name: s.name, dimensions: s.dimensions, slotCount: s.slotCount, data, annState, annFile, ann: s.ann });
  }

  const entries = await readDocuments(path.join(dir, manifest.documents.name), manifest.documents);
  if (entries.length !== manifest.documents.count) throw new SnapshotError(`${entries.length} documents, the manifest says ${manifest.documents.count}`);
  const slotCounts = new Map(spaces.map((s) => [s.name, s.slotCount]));
  const used = new Map(spaces.map((s) => [s.name, new Uint8Array(s.slotCount)]));
  for (const e of entries) {
    for (const [name, slot] of Object.entries(e.slots)) {
      const taken = used.get(name);
      if (!taken || !Number.isInteger(slot) || slot < 0 || slot >= slotCounts.get(name)! || taken[slot] === 1) throw new SnapshotError(`document ${e.documentId}: bad slot ${slot} in '${name}'`);
      taken[slot] = 1;
    }
  }
  return { manifest, entries, spaces };
}

/** Removes the manifest (the snapshot is no longer valid; its files go at the next cleanup). */
export async function dropManifest(dir: string): Promise<void> {
  await fs.promises.rm(path.join(dir, MANIFEST), { force: true });
}

/**
 * Deletes the files in `dir` that the current manifest does not name: ours (`tag`) whatever their
 * age, unless `keep` names them (a build in progress); another process's only when over an hour old
 * (two processes sharing a data directory may be writing theirs).
 */
export async function removeUnreferenced(dir: string, tag: string, keep: ReadonlySet<string>): Promise<void> {
  let manifest: SnapshotManifest | null;
  try {
    manifest = await readManifest(dir);
  } catch {
    return;
  }
  const referenced = new Set<string>([MANIFEST, ...keep]);
  if (manifest) {
    referenced.add(manifest.documents.name);
    for (const s of manifest.spaces) {
      referenced.add(s.file.name);
      if (s.ann) referenced.add(s.ann.name);
    }
  }
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  const hourAgo = Date.now() - 3_600_000;
  for (const name of names) {
    if (referenced.has(name) || [...keep].some((k) => name.startsWith(k))) continue;
    const file = path.join(dir, name);
    const ours = name.includes(`-${tag}`) || name.includes(`.${tag}.`);
    if (!ours) {
      const stat = await fs.promises.stat(file).catch(() => null);
      if (!stat || stat.mtimeMs > hourAgo) continue;
    }
    await fs.promises.rm(file, { force: true }).catch(() => {});
  }
}

/** Size and SHA-256 of a file, hashed in steps (a graph file is hundreds of megabytes). */
export async function describeFile(file: string): Promise<FileRef> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { name: path.basename(file), bytes, sha256: hash.digest('hex') };
}

async function writeFileAtomically(file: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, temporaryName?: string): Promise<FileRef> {
  const temporary = temporaryName ? path.join(path.dirname(file), temporaryName) : `${file}.tmp`;
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await fs.promises.open(temporary, 'w');
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      let offset = 0;
      while (offset < chunk.length) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
    }
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await fs.promises.rm(temporary, { force: true });
    throw err;
  }
  await handle.close();
  await fs.promises.rename(temporary, file);
  return { name: path.basename(file), bytes, sha256: hash.digest('hex') };
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function* single(buffer: Uint8Array): Iterable<Uint8Array> {
  yield buffer;
}

function* chunksOf(...parts: Uint8Array[]): Iterable<Uint8Array> {
  // Copies: hashing and writing need plain buffers, not views of a SharedArrayBuffer.
  for (const part of parts) for (let i = 0; i < part.length; i += CHUNK) yield Buffer.from(part.subarray(i, i + CHUNK));
}

/** Documents per line of the documents file: one JSON array each, parsed in one call. */
const DOCUMENTS_PER_LINE = 500;

/** Serialised a few hundred documents at a time, yielding to the event loop between them. */
async function* documentLines(entries: readonly Entry[]): AsyncIterable<Uint8Array> {
  for (let i = 0; i < entries.length; i += DOCUMENTS_PER_LINE) {
    const tuples = entries.slice(i, i + DOCUMENTS_PER_LINE).map((e) => {
      // Text fields are usually the view's own strings: named, not repeated.
      const shared: string[] = [];
      const own: Record<string, string> = {};
      for (const [key, value] of Object.entries(e.text)) {
        if (e.view[key] === value) shared.push(key);
        else own[key] = value;
      }
      return [e.documentId, e.organizationInternalId, e.collectionId, e.view, shared, own, e.slots];
    });
    yield Buffer.from(`${JSON.stringify(tuples)}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function readDocuments(file: string, ref: FileRef): Promise<StoredEntry[]> {
  const bytes = Buffer.allocUnsafe(ref.bytes);
  await readVerified(file, ref, [bytes]);
  const entries: StoredEntry[] = [];
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    if (end > start) {
      let tuples: unknown;
      try {
        tuples = JSON.parse(bytes.toString('utf8', start, end));
      } catch {
        throw new SnapshotError(`${ref.name}: a line is not valid JSON`);
      }
      if (!Array.isArray(tuples)) throw new SnapshotError(`${ref.name}: a line is not a list of documents`);
      for (const tuple of tuples) entries.push(parseEntry(tuple));
      // Parsing 100k documents takes about a second: other requests run in between.
      await new Promise((resolve) => setImmediate(resolve));
    }
    start = end + 1;
  }
  return entries;
}

function parseEntry(tuple: unknown): StoredEntry {
  if (!Array.isArray(tuple) || tuple.length !== 7) throw new SnapshotError('a document entry is malformed');
  const [documentId, organizationInternalId, collectionId, view, shared, own, slots] = tuple as [string, string, string, Record<string, unknown>, string[], Record<string, string>, Record<string, number>];
  if (typeof documentId !== 'string' || typeof view !== 'object' || view === null || !Array.isArray(shared) || typeof slots !== 'object' || slots === null) throw new SnapshotError('a document entry is malformed');
  const text: Record<string, string> = { ...own };
  for (const key of shared) text[key] = view[key] as string;
  return { documentId, organizationInternalId, collectionId, view, text, slots };
}

/** Reads a whole file into `targets` (filled in order, read straight into them; null: only checked), verifying size and hash. */
async function readVerified(file: string, ref: FileRef, targets: Uint8Array[] | null): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await fs.promises.open(file, 'r');
    const size = (await handle.stat()).size;
    if (size !== ref.bytes) throw new SnapshotError(`${ref.name}: ${size} bytes, the manifest says ${ref.bytes}`);
    const scratch = targets === null ? Buffer.alloc(CHUNK) : null;
    for (const target of targets ?? [null]) {
      const length = target === null ? size : target.length;
      for (let at = 0; at < length; ) {
        const into = target ?? scratch!;
        const n = Math.min(CHUNK, length - at);
        const offset = target === null ? 0 : at;
        const { bytesRead } = await handle.read(into, offset, n, bytes);
        if (bytesRead === 0) throw new SnapshotError(`${ref.name}: shorter than the manifest says`);
        hash.update(into.subarray(offset, offset + bytesRead));
        at += bytesRead;
        bytes += bytesRead;
      }
    }
  } catch (err) {
    if (err instanceof SnapshotError) throw err;
    throw new SnapshotError(`${ref.name}: ${(err as Error).message}`);
  } finally {
    await handle?.close();
  }
  if (bytes !== ref.bytes || hash.digest('hex') !== ref.sha256) throw new SnapshotError(`${ref.name}: size or checksum differs from the manifest`);
}

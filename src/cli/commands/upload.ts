// `tessera upload DIR --bucket B --namespace N`: uploads a folder through the public API, like any
// client (no engine imports). Per file: SHA-256 from disk, create the upload with file_hash and
// skip_duplicates (a file already in the bucket is skipped, so a rerun resumes where an interrupted
// one stopped), PUT the bytes streamed from disk to the presigned URL, confirm.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';

export interface UploadOptions {
  dir: string;
  bucket: string;
  namespace: string;
  apiUrl: string;
  apiKey: string;
  concurrency: number;
  property?: string;
}

export interface UploadSummary {
  uploaded: number;
  skipped: number;
  failed: number;
  bytes: number;
  seconds: number;
}

interface FileJob {
  absolute: string;
  relative: string;
  size: number;
}

const MIME: Record<string, string> = {
  '.txt': 'text/plain', '.md': 'text/markdown', '.csv': 'text/csv', '.json': 'application/json', '.html': 'text/html', '.xml': 'application/xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.webm': 'video/webm', '.mp3': 'audio/mpeg', '.wav': 'audio/wav',
  '.pdf': 'application/pdf', '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export function contentTypeOf(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Every regular file under dir, sorted, with paths relative to it ('/'-separated). */
export function walk(dir: string): FileJob[] {
  const out: FileJob[] = [];
  const visit = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const absolute = path.join(current, entry.name);
      if (entry.isDirectory()) visit(absolute);
      else if (entry.isFile()) out.push({ absolute, relative: path.relative(dir, absolute).split(path.sep).join('/'), size: fs.statSync(absolute).size });
    }
  };
  visit(dir);
  return out;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

class ApiError extends Error {}

/** A 429 (rate limit) or 503 (a component down) is waited out as Retry-After says, this many times. */
const MAX_RETRIES = 8;
const MAX_WAIT_SECONDS = 60;

async function api(options: UploadOptions, method: string, route: string, body?: unknown): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${options.apiUrl.replace(/\/+$/, '')}${route}`, {
      method,
      headers: { authorization: `Bearer ${options.apiKey}`, 'x-namespace': options.namespace, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if ((res.status === 429 || res.status === 503) && attempt < MAX_RETRIES) {
      const seconds = Math.min(MAX_WAIT_SECONDS, Math.max(1, Number(res.headers.get('retry-after')) || 2 ** attempt));
      await new Promise((r) => setTimeout(r, seconds * 1000));
      continue;
    }
    if (!res.ok) throw new ApiError(`${method} ${route}: ${res.status} ${json?.error?.message ?? text}`);
    return json;
  }
}

/** Streams the file to the presigned URL with its length (S3 refuses chunked PUTs); counts bytes as they go. */
function putFile(url: string, file: FileJob, contentType: string, onBytes: (n: number) => void): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https : http).request(target, { method: 'PUT', headers: { 'content-type': contentType, 'content-length': String(file.size) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(res.headers.etag) : reject(new ApiError(`PUT: ${res.statusCode} ${text.slice(0, 300)}`))));
    });
    request.on('error', reject);
    const stream = fs.createReadStream(file.absolute);
    stream.on('data', (c) => onBytes(c.length));
    stream.on('error', reject);
    stream.pipe(request);
  });
}

type Outcome = { kind: 'uploaded'; uploadId: string; objectId: string | null } | { kind: 'skipped'; of: string | null } | { kind: 'failed'; message: string };

async function uploadOne(options: UploadOptions, file: FileJob, onBytes: (n: number) => void): Promise<Outcome> {
  const base = `/v1/buckets/${encodeURIComponent(options.bucket)}/uploads`;
  try {
    const contentType = contentTypeOf(file.relative);
    const fileHash = await sha256Of(file.absolute);
    const created = await api(options, 'POST', base, {
      filename: file.relative,
      content_type: contentType,
      file_size_bytes: file.size > 0 ? file.size : null,
      file_hash: fileHash,
      skip_duplicates: true,
      ...(options.property ? { blob_property: options.property } : {}),
    });
    if (created.is_duplicate) {
      onBytes(file.size);
      return { kind: 'skipped', of: created.duplicate_of_upload_id ?? created.existing_object_id ?? null };
    }
    const etag = await putFile(created.presigned_url, file, contentType, onBytes);
    let confirmed = await api(options, 'POST', `${base}/${created.upload_id}/confirm`, { ...(etag ? { etag } : {}), file_size_bytes: file.size > 0 ? file.size : null });
    // Large files confirm as a task: wait for the upload to settle.
    for (let wait = 500; confirmed.status === 'PROCESSING'; wait = Math.min(wait * 2, 10_000)) {
      await new Promise((r) => setTimeout(r, wait));
      confirmed = await api(options, 'GET', `${base}/${created.upload_id}`);
    }
    if (confirmed.status !== 'COMPLETED') return { kind: 'failed', message: `${confirmed.status}: ${confirmed.message ?? ''}` };
    return { kind: 'uploaded', uploadId: created.upload_id, objectId: confirmed.object_id ?? null };
  } catch (err) {
    return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}

/** Uploads the folder with at most `concurrency` files in flight; a bar on a TTY, one line per file otherwise. */
export async function runUpload(options: UploadOptions, stdout: Writable & { isTTY?: boolean }): Promise<UploadSummary> {
  const files = walk(options.dir);
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const started = performance.now();
  const summary: UploadSummary = { uploaded: 0, skipped: 0, failed: 0, bytes: 0, seconds: 0 };
  const tty = stdout.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        { stream: stdout as NodeJS.WritableStream, format: '{bar} {percentage}% | files {files}/{totalFiles} | {mb}/{totalMb} MB | {rate} MB/s | ETA {eta_formatted}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let doneFiles = 0;
  const payload = () => ({ files: doneFiles, totalFiles: files.length, mb: (summary.bytes / 1e6).toFixed(1), totalMb: (totalBytes / 1e6).toFixed(1), rate: (summary.bytes / 1e6 / Math.max(0.001, (performance.now() - started) / 1000)).toFixed(1) });
  bar?.start(Math.max(1, totalBytes), 0, payload());
  const log = (line: string) => (bar ? bar.updateETA() : stdout.write(`${line}\n`));

  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      let counted = 0;
      const outcome = await uploadOne(options, file, (n) => {
        counted += n;
        summary.bytes += n;
        bar?.update(summary.bytes, payload());
      });
      // A failed file's partial bytes stay counted in the rate, not in the total done.
      if (outcome.kind === 'failed') summary.bytes -= counted;
      doneFiles++;
      summary[outcome.kind]++;
      bar?.update(summary.bytes, payload());
      if (outcome.kind === 'uploaded') log(`uploaded ${file.relative} (${file.size} bytes) ${outcome.uploadId}${outcome.objectId ? ` ${outcome.objectId}` : ''}`);
      else if (outcome.kind === 'skipped') log(`skipped ${file.relative} (already in the bucket${outcome.of ? `: ${outcome.of}` : ''})`);
      else if (bar) stdout.write(`\nfailed ${file.relative}: ${outcome.message}\n`);
      else log(`failed ${file.relative}: ${outcome.message}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, files.length)) }, worker));
  bar?.stop();
  summary.seconds = (performance.now() - started) / 1000;
  stdout.write(`done: ${summary.uploaded} uploaded, ${summary.skipped} skipped, ${summary.failed} failed, ${summary.bytes} bytes in ${summary.seconds.toFixed(1)} s\n`);
  return summary;
}

function concurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('must be an integer from 1 to 64');
  return n;
}

/** Adds `upload` to the program; exits non-zero (through onFailure) when any file failed. */
export function registerUploadCommand(program: Command, io: { env: NodeJS.ProcessEnv; stdout: Writable; onFailure: (message: string) => Error }): void {
  program
    .command('upload')
    .description('upload a folder to a bucket through the API (presigned uploads; files already in the bucket are skipped)')
    .argument('<dir>', 'the folder to upload (recursively)')
    .requiredOption('--bucket <bucket>', 'bucket id or name')
    .requiredOption('--namespace <namespace>', 'namespace id or name (X-Namespace)')
    .option('--concurrency <k>', 'files in flight at once (1-64)', concurrency, 4)
    .option('--property <name>', 'the bucket schema blob field the files fill (default: each file name\'s stem)')
    .option('--api-url <url>', 'the Tessera API (default: TESSERA_API_URL or http://127.0.0.1:8000)')
    .option('--api-key <key>', 'API key (default: TESSERA_API_KEY)')
    .action(async (dir: string, opts: { bucket: string; namespace: string; concurrency: number; property?: string; apiUrl?: string; apiKey?: string }) => {
      const apiKey = opts.apiKey ?? io.env['TESSERA_API_KEY'];
      if (!apiKey) throw io.onFailure('an API key is needed: --api-key or TESSERA_API_KEY');
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw io.onFailure(`${dir} is not a folder`);
      const summary = await runUpload(
        { dir, bucket: opts.bucket, namespace: opts.namespace, concurrency: opts.concurrency, apiUrl: opts.apiUrl ?? io.env['TESSERA_API_URL'] ?? 'http://127.0.0.1:8000', apiKey, ...(opts.property ? { property: opts.property } : {}) },
        io.stdout,
      );
      if (summary.failed > 0) throw io.onFailure(`${summary.failed} file${summary.failed === 1 ? '' : 's'} failed`);
    });
}

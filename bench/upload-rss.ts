// Server memory while a 200 MB upload streams through a presigned URL of the filesystem blob store
// (PUT /v1/blob-transfer/<token>): the body must flow to disk, never be held, so the server's RSS
// should grow by at most ~50 MB whatever the size.
//
//   npx tsx bench/upload-rss.ts [--json]      Env: BENCH_UPLOAD_MB (default 200)
//
// The server runs in a child process (this file with --server) that samples its own RSS every
// 50 ms; this process generates the body on the fly (64 KiB chunks, never held) and sends it with
// node:http, honouring backpressure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const MB = 1024 * 1024;

if (process.argv.includes('--server')) await serve();
else await measure();

async function serve(): Promise<void> {
  const { buildApp } = await import('../src/app.ts');
  const { validateConfig } = await import('../src/config.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-upload-bench-'));
  const port = await freePort();
  const config = validateConfig({ dataDir, port, logLevel: 'warn', rateLimiting: false, usageAccounting: false, requestTimeoutMs: 600_000 });
  const app = await buildApp(config);
  await app.listen({ host: '127.0.0.1', port });
  const bytes = Number(process.env.BENCH_UPLOAD_MB ?? 200) * MB;
  const url = await app.blobs.presignPut('bench/obj/blob', { contentType: 'video/mp4', maxBytes: bytes, expiresInSeconds: 600 });
  let baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  say({ ready: true, url, bytes, rss: baseline });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line === 'start') {
      baseline = process.memoryUsage().rss;
      peak = baseline;
      say({ started: true });
    } else if (line === 'done') {
      clearInterval(sampler);
      const head = await app.blobs.head('bench/obj/blob');
      say({ before: baseline, after: process.memoryUsage().rss, peak, storedBytes: head?.sizeBytes ?? 0 });
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  }
}

async function measure(): Promise<void> {
  const here = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', here, '--server'], { stdio: ['pipe', 'pipe', 'inherit'], cwd: path.resolve(path.dirname(here), '..') });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, any>> => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error('the server exited');
      if (value.startsWith('{')) return JSON.parse(value);
    }
  };
  const ready = await next();
  await new Promise((r) => setTimeout(r, 500));
  child.stdin!.write('start\n');
  await next();
  const started = process.hrtime.bigint();
  const status = await upload(ready.url, ready.bytes);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  child.stdin!.write('done\n');
  const report = await next();
  const result = {
    upload_mb: ready.bytes / MB,
    status,
    stored_mb: report.storedBytes / MB,
    seconds: round(seconds),
    mb_per_s: round(ready.bytes / MB / seconds),
    server_rss_before_mb: round(report.before / MB),
    server_rss_after_mb: round(report.after / MB),
    server_rss_peak_mb: round(report.peak / MB),
    server_rss_growth_mb: round((report.peak - report.before) / MB),
  };
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(22)} ${v}`);
  await new Promise((r) => child.once('exit', r));
  if (status !== 200 || report.storedBytes !== ready.bytes) process.exitCode = 1;
}

/** PUTs `bytes` generated 64 KiB at a time, waiting on backpressure; resolves with the status. */
function upload(url: string, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-length': String(bytes) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

// `npm test`: runs the whole suite on the embedded SQLite store and, when TESSERA_TEST_DATABASE_URL
// is set, on PostgreSQL at the same time. Each backend is one `node --test` run with several files in
// flight: most test time is waiting (sockets, child processes, timers), not CPU. With one backend its
// report streams live; with two, each backend's report is printed whole when it ends, then a total
// per backend, so a failure always says which backend and which test.
//
// TESSERA_TEST_CONCURRENCY: files in flight per backend (default below). TESSERA_TEST_SERIAL=1 runs
// the backends one after the other, with live output.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function findTests(dir, suffix = '.test.ts') {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? findTests(path.join(dir, e.name), suffix) : e.name.endsWith(suffix) ? [path.join(dir, e.name)] : []))
    .sort();
}

const only = process.argv.slice(2);
// The whole suite runs from the test build (tsconfig.build.json: src and test compiled to .build/,
// typechecked on the way): on Node 20 loading every module through tsx's hooks costs ~2 CPU s per
// process, and the suite starts well over a hundred (test files, spawned servers). Named files, or
// TESSERA_TEST_TSX=1, run through tsx without a build, for a quick edit-and-run.
const built = only.length === 0 && process.env.TESSERA_TEST_TSX !== '1';
if (built) {
  const started = Date.now();
  fs.rmSync('.build', { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('The test build (tsc -p tsconfig.build.json) failed.');
    process.exit(1);
  }
  console.log(`Test build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
const files = only.length > 0 ? only : built ? findTests('.build/test', '.test.js') : findTests('test');
const backends = ['sqlite'];
if (process.env.TESSERA_TEST_DATABASE_URL) backends.push('postgres');
else console.log('TESSERA_TEST_DATABASE_URL is not set: running the SQLite backend only.');

const serial = process.env.TESSERA_TEST_SERIAL === '1';
const concurrency = Number(process.env.TESSERA_TEST_CONCURRENCY ?? 2);
if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`TESSERA_TEST_CONCURRENCY must be a positive integer, got ${process.env.TESSERA_TEST_CONCURRENCY}`);
const live = serial || backends.length === 1;
const TEST_TIMEOUT_MS = 180_000;

/** One backend's run: resolves with its counts (from the TAP report) and its spec report. */
function runBackend(backend) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-tap-'));
  const tapFile = path.join(tmp, 'report.tap');
  const started = Date.now();
  const args = [
    ...(built ? [] : ['--import', 'tsx']),
    '--test',
    `--test-concurrency=${concurrency}`,
    // A hang becomes a failure with its report, not a silent CI timeout.
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ];
  if (live) console.log(`\n=== Test suite on ${backend} (${files.length} files, ${concurrency} at a time) ===`);
  const child = spawn(process.execPath, args, {
    stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TESSERA_TEST_BACKEND: backend, FORCE_COLOR: live ? process.env.FORCE_COLOR : '0' },
  });
  let output = '';
  let pending = '';
  let summary = false;
  const collect = (c) => {
    const text = c.toString('utf8');
    output += text;
    // Failures show at once, named by backend, while the whole report waits for the end.
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      // node repeats every failure in a closing summary: those were shown already.
      if (/^✖ failing tests:/.test(line)) summary = true;
      else if (!summary && /^\s*✖/.test(line)) console.log(`[${backend}] ${line.trim()}`);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  unfinished.set(backend, { output: () => output, child });
  return new Promise((resolve) => {
    child.on('close', (status) => {
      unfinished.delete(backend);
      const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
      fs.rmSync(tmp, { recursive: true, force: true });
      const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
      const failed = count('fail') + count('cancelled');
      resolve({
        backend,
        output,
        seconds: (Date.now() - started) / 1000,
        passed: count('pass'),
        failed: failed + (status !== 0 && failed === 0 ? 1 : 0), // the runner itself failed
        skipped: count('skipped') + count('todo'),
      });
    });
  });
}

/** Reports of backends still running, printed if the runner is stopped (a CI timeout, ^C). */
const unfinished = new Map();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const [backend, run] of unfinished) {
      run.child.kill(signal);
      if (!live) console.log(`\n=== Unfinished report of ${backend} (stopped by ${signal}) ===\n${run.output()}`);
    }
    process.exit(130);
  });
}

const results = [];
const wallStart = Date.now();
if (live) {
  for (const backend of backends) results.push(await runBackend(backend));
} else {
  console.log(`\nRunning ${files.length} files on ${backends.join(' and ')} at the same time (${concurrency} files at a time each); each report follows when its backend ends.`);
  // Reports are printed in backend order, each as soon as it and the ones before it are done.
  const runs = backends.map((b) => runBackend(b));
  for (const run of runs) {
    const r = await run;
    console.log(`\n=== Test suite on ${r.backend} (${files.length} files, ${concurrency} at a time, ${r.seconds.toFixed(1)} s) ===`);
    process.stdout.write(r.output);
    results.push(r);
  }
}

console.log('');
for (const r of results) {
  console.log(`${r.backend.padEnd(9)} ${String(r.passed).padStart(4)} passed, ${r.failed} failed, ${r.skipped} skipped  (${r.seconds.toFixed(1)} s)${r.failed > 0 ? '  <-- FAILED' : ''}`);
}
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
console.log(`Backends: ${backends.join(', ')}; wall ${((Date.now() - wallStart) / 1000).toFixed(1)} s`);
console.log(`tests: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exit(sum('failed') > 0 || sum('passed') === 0 ? 1 : 0);

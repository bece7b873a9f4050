// `npm test`: runs the whole suite on the embedded SQLite store, then again on PostgreSQL when
// TESSERA_TEST_DATABASE_URL is set. Prints node's own report per backend and a closing total.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function findTests(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? findTests(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []))
    .sort();
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests('test');
const backends = ['sqlite'];
if (process.env.TESSERA_TEST_DATABASE_URL) backends.push('postgres');
else console.log('TESSERA_TEST_DATABASE_URL is not set: running the SQLite backend only.');

let passed = 0;
let failed = 0;
let skipped = 0;
for (const backend of backends) {
  console.log(`\n=== Test suite on ${backend} (${files.length} files) ===`);
  const tapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-tap-')), 'report.tap');
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files],
    { stdio: 'inherit', env: { ...process.env, TESSERA_TEST_BACKEND: backend } },
  );
  const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
  if (result.status !== 0 && count('fail') + count('cancelled') === 0) failed += 1; // the runner itself failed
  fs.rmSync(path.dirname(tapFile), { recursive: true, force: true });
}

console.log(`\nBackends: ${backends.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

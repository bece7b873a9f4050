// Throughput of authenticated GET /v1/organizations against a bare Fastify JSON route in the same
// app and process: the ratio isolates what authentication, the store and the presenter cost.
//
//   npm run bench [-- --json]     (or: npx tsx bench/organization.ts [--json])
//
// Env: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS (default 10),
// BENCH_ENFORCE=1 (exit non-zero when the target is missed), BENCH_USAGE_ACCOUNTING=0 (server
// neither counts requests nor charges credits), BENCH_CPU_PROF=<dir> (server writes a V8 CPU
// profile covering both phases there). Rate limiting is always off in the server: see bench-server.ts.
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BARE_PATH, READY_KEY, type ReadyLine } from './protocol.ts';

const ORGANIZATIONS_PATH = '/v1/organizations';
const TARGET_THROUGHPUT_RATIO = 0.7;
const SERVER_START_TIMEOUT_MS = 60_000;
const SERVER_STOP_TIMEOUT_MS = 10_000;

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');

interface Settings {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  enforce: boolean;
  usageAccounting: boolean;
  json: boolean;
  cpuProfileDir: string | undefined;
}

interface RouteResult {
  path: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface Summary {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  /** The tree that was measured; srcDirty when src/ differs from that commit. */
  git: { commit: string; srcDirty: boolean } | null;
  server: { rateLimiting: false; usageAccounting: boolean };
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  routes: { bare: RouteResult; organizations: RouteResult };
  ratios: { throughput: number; p99: number | null };
  target: { throughputRatioAtLeast: number; pass: boolean };
  allResponses2xx: boolean;
}

function readSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const unknown = argv.filter((a) => a !== '--json');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')} (only --json is accepted)`);
  return {
    durationSeconds: positiveInteger(env, 'BENCH_DURATION', 10),
    warmupSeconds: positiveInteger(env, 'BENCH_WARMUP', 3),
    connections: positiveInteger(env, 'BENCH_CONNECTIONS', 10),
    enforce: env.BENCH_ENFORCE === '1',
    usageAccounting: env.BENCH_USAGE_ACCOUNTING !== '0',
    json: argv.includes('--json'),
    cpuProfileDir: env.BENCH_CPU_PROF ? path.resolve(env.BENCH_CPU_PROF) : undefined,
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
  return value;
}

interface Server {
  child: ChildProcess;
  port: number;
}

function startServer(dataDir: string, apiKey: string, cpuProfileDir: string | undefined): Promise<Server> {
  const serverPath = path.join(benchDir, 'bench-server.ts');
  const nodeArgs = ['--import', 'tsx'];
  if (cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`);
  // cwd is the repo root so `--import tsx` resolves from this project's node_modules.
  const child = spawn(process.execPath, [...nodeArgs, serverPath], {
    cwd: repoRoot,
    env: { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_API_KEY: apiKey },
    stdio: ['pipe', 'pipe', 'inherit'],
  });

  return new Promise<Server>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`bench server did not report a port within ${SERVER_START_TIMEOUT_MS} ms`)), SERVER_START_TIMEOUT_MS);
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`bench server exited before listening (code ${code}, signal ${signal})`)));

    // Everything but the ready line is the server's own logging: pass it on to stderr, so it
    // is seen but never mixes into --json output on stdout.
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const port = settled ? undefined : readyPort(line);
      if (port === undefined) {
        process.stderr.write(`[server] ${line}\n`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ child, port });
    });
  });
}

function readyPort(line: string): number | undefined {
  if (!line.includes(READY_KEY)) return undefined;
  try {
    const parsed = JSON.parse(line) as Partial<ReadyLine>;
    const port = parsed[READY_KEY]?.port;
    return typeof port === 'number' ? port : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM by PID (the server closes and exits, flushing any CPU profile), SIGKILL if it hangs. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!signal(pid, 'SIGTERM')) return;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), SERVER_STOP_TIMEOUT_MS).unref()),
  ]);
  if (timedOut && signal(pid, 'SIGKILL')) await exited;
}

/** False when the process is already gone: a terminal's Ctrl-C reaches the server too. */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** One request per route before loading it: a 401 or a wrong body would make the numbers meaningless. */
async function preflight(baseUrl: string, headers: Record<string, string>): Promise<void> {
  const bare = await fetch(`${baseUrl}${BARE_PATH}`);
  const bareBody = (await bare.json()) as { ok?: unknown };
  if (bare.status !== 200 || bareBody.ok !== true) throw new Error(`preflight ${BARE_PATH}: status ${bare.status}, body ${JSON.stringify(bareBody)}`);

  const org = await fetch(`${baseUrl}${ORGANIZATIONS_PATH}`, { headers });
  const orgBody = (await org.json()) as { organization_id?: unknown; users?: unknown };
  if (org.status !== 200 || typeof orgBody.organization_id !== 'string' || !Array.isArray(orgBody.users) || orgBody.users.length === 0) {
    throw new Error(`preflight ${ORGANIZATIONS_PATH}: status ${org.status}, body ${JSON.stringify(orgBody)}`);
  }
}

async function load(url: string, headers: Record<string, string>, connections: number, durationSeconds: number): Promise<autocannon.Result> {
  return autocannon({ url, headers, connections, duration: durationSeconds, pipelining: 1 });
}

/** Any failed request, warm-up included, means the server is not doing the work being measured. */
function assertAll2xx(label: string, result: autocannon.Result): void {
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result['2xx'] === 0) {
    const codes = JSON.stringify(result.statusCodeStats ?? {});
    throw new NonSuccessError(
      `${label}: ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts (status codes ${codes})`,
    );
  }
}

class NonSuccessError extends Error {}

async function measure(label: string, url: string, headers: Record<string, string>, settings: Settings): Promise<RouteResult> {
  progress(settings, `${label}: warm-up ${settings.warmupSeconds} s`);
  assertAll2xx(`${label} warm-up`, await load(url, headers, settings.connections, settings.warmupSeconds));
  progress(settings, `${label}: measuring ${settings.durationSeconds} s`);
  const result = await load(url, headers, settings.connections, settings.durationSeconds);
  assertAll2xx(label, result);
  return {
    path: new URL(url).pathname,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

function progress(settings: Settings, message: string): void {
  process.stderr.write(`${settings.json ? '' : '· '}${message}\n`);
}

function summarise(settings: Settings, bare: RouteResult, organizations: RouteResult): Summary {
  const throughput = organizations.requestsPerSecond / bare.requestsPerSecond;
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    git: gitState(),
    server: { rateLimiting: false, usageAccounting: settings.usageAccounting },
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: settings.warmupSeconds,
    routes: { bare, organizations },
    ratios: {
      throughput: round(throughput, 3),
      // autocannon reports latency in whole milliseconds; a 0 ms bare p99 has no meaningful ratio.
      p99: bare.p99Ms > 0 ? round(organizations.p99Ms / bare.p99Ms, 2) : null,
    },
    target: { throughputRatioAtLeast: TARGET_THROUGHPUT_RATIO, pass: throughput >= TARGET_THROUGHPUT_RATIO },
    allResponses2xx: true,
  };
}

function gitState(): Summary['git'] {
  try {
    const run = (args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: run(['rev-parse', '--short', 'HEAD']), srcDirty: run(['status', '--porcelain', '--', 'src']) !== '' };
  } catch {
    // Not a git checkout (an unpacked tarball): the numbers stand without it.
    return null;
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function render(s: Summary): string {
  const row = (name: string, r: RouteResult): string =>
    `${name.padEnd(28)}${r.requestsPerSecond.toFixed(1).padStart(12)}${String(r.p50Ms).padStart(10)}${String(r.p99Ms).padStart(10)}${String(r.requests).padStart(12)}${String(r.non2xx).padStart(9)}`;
  return [
    '',
    `GET ${ORGANIZATIONS_PATH} vs bare Fastify JSON route`,
    `node ${s.node}, ${s.cpus} CPUs (${s.cpuModel}), ${s.connections} connections, ${s.durationSeconds} s per route after ${s.warmupSeconds} s warm-up`,
    `tree ${s.git ? `${s.git.commit}${s.git.srcDirty ? ' + uncommitted src/ changes' : ''}` : 'unknown'}; server: rate limiting off, usage accounting ${s.server.usageAccounting ? 'on' : 'off'}`,
    '',
    `${'route'.padEnd(28)}${'req/s avg'.padStart(12)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'requests'.padStart(12)}${'non-2xx'.padStart(9)}`,
    row(`GET ${s.routes.bare.path}`, s.routes.bare),
    row(`GET ${s.routes.organizations.path}`, s.routes.organizations),
    '',
    `throughput ratio (organizations / bare): ${s.ratios.throughput.toFixed(3)}   target >= ${s.target.throughputRatioAtLeast}   ${s.target.pass ? 'PASS' : 'FAIL'}`,
    `p99 ratio (organizations / bare):        ${s.ratios.p99 === null ? 'n/a (bare p99 is 0 ms)' : s.ratios.p99.toFixed(2)}`,
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const settings = readSettings(process.argv.slice(2), process.env);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
  const apiKey = `sk_bench_${randomBytes(16).toString('hex')}`;
  let server: Server | undefined;

  const cleanUp = async (): Promise<void> => {
    if (server) await stopServer(server.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  // Ctrl-C mid-run must not leave a server or a data directory behind.
  process.once('SIGINT', () => {
    cleanUp().finally(() => process.exit(130));
  });

  try {
    server = await startServer(dataDir, apiKey, settings.cpuProfileDir);
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const auth = { authorization: `Bearer ${apiKey}` };
    await preflight(baseUrl, auth);

    const bare = await measure('bare', `${baseUrl}${BARE_PATH}`, {}, settings);
    const organizations = await measure('organizations', `${baseUrl}${ORGANIZATIONS_PATH}`, auth, settings);
    const summary = summarise(settings, bare, organizations);

    process.stdout.write(settings.json ? `${JSON.stringify(summary, null, 2)}\n` : render(summary));
    return !summary.target.pass && settings.enforce ? 1 : 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (settings.json && err instanceof NonSuccessError) {
      process.stdout.write(`${JSON.stringify({ allResponses2xx: false, error: message }, null, 2)}\n`);
    }
    process.stderr.write(`benchmark failed: ${message}\n`);
    return 1;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

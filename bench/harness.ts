// What bench/organization.ts and bench/limits.ts share: settings from the environment, starting and
// stopping bench-server.ts processes (by PID only), raising the organization's rate limits through
// the API, loading a route with autocannon, and the statistics over rounds.
import { MAX_RATE_LIMIT_PER_MINUTE } from '../src/engine/bounds.ts';
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { READY_KEY, SERVER_ENV, type AppSpec, type ReadyApp, type ReadyLine, type ServerConfigReport } from './protocol.ts';

export const ORGANIZATIONS_PATH = '/v1/organizations';
/** Requests per minute set in every category before loading: the API's ceiling, far above anything one process serves. */
export const RAISED_RATE_LIMIT = MAX_RATE_LIMIT_PER_MINUTE;
const RATE_LIMIT_CATEGORIES = ['metadata', 'data', 'search', 'upload', 'compute'] as const;
const SERVER_START_TIMEOUT_MS = 60_000;
const SERVER_STOP_TIMEOUT_MS = 10_000;

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(benchDir, '..');

// ---------------------------------------------------------------------------------------------
// Settings

export function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
  return value;
}

/** '0' is off, unset/empty/'1' is on; anything else is a mistake worth stopping for. */
export function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`${name} must be 0 or 1 (got ${JSON.stringify(raw)})`);
}

export function onlyJsonFlag(argv: string[]): boolean {
  const unknown = argv.filter((a) => a !== '--json');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')} (only --json is accepted)`);
  return argv.includes('--json');
}

// ---------------------------------------------------------------------------------------------
// Server processes

export interface ServerOptions {
  /** Prefix of the server's own log lines on stderr. */
  label: string;
  /** The bootstrap admin key of every app in the process. */
  apiKey: string;
  /** The Tessera apps the process runs, each on its own port (usually one). */
  apps: AppSpec[];
  cpuProfileDir?: string | undefined;
}

/** One Tessera app inside a bench server process. */
export interface App {
  name: string;
  port: number;
  baseUrl: string;
  /** PID of the process serving it (what its CPU time is read from). */
  pid: number;
  /** The configuration the app reports it validated and runs with. */
  config: ServerConfigReport;
}

export interface Server {
  label: string;
  child: ChildProcess;
  apps: App[];
}

/**
 * Extra node/V8 flags for every bench server, from BENCH_SERVER_NODE_ARGS (space-separated), e.g.
 * `--max-semi-space-size=64` or `--trace-gc`. For experiments: a deployment runs without them.
 */
export function serverNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
}

/** Every child still running: what stopAllServers (and so Ctrl-C) stops, by PID. */
const liveChildren = new Set<ChildProcess>();

export function startServer(options: ServerOptions): Promise<Server> {
  const serverPath = path.join(benchDir, 'bench-server.ts');
  const nodeArgs = ['--import', 'tsx'];
  if (options.cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  nodeArgs.push(...serverNodeArgs());
  const env: NodeJS.ProcessEnv = { ...process.env, [SERVER_ENV.apiKey]: options.apiKey, [SERVER_ENV.apps]: JSON.stringify(options.apps) };
  // cwd is the repo root so `--import tsx` resolves from this project's node_modules.
  const child = spawn(process.execPath, [...nodeArgs, serverPath], { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'inherit'] });
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  // A child that failed to spawn never emits 'exit'.
  child.once('error', () => liveChildren.delete(child));

  return new Promise<Server>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new Error(`bench server ${options.label} did not report its ports within ${SERVER_START_TIMEOUT_MS} ms`)),
      SERVER_START_TIMEOUT_MS,
    );
    child.once('error', fail);
    child.once('exit', (code, sig) => fail(new Error(`bench server ${options.label} exited before listening (code ${code}, signal ${sig})`)));

    // Everything but the ready line is the server's own logging: pass it on to stderr, so it
    // is seen but never mixes into --json output on stdout.
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const ready = settled ? undefined : readyApps(line);
      if (ready === undefined) {
        process.stderr.write(`[server ${options.label}] ${line}\n`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      const pid = child.pid!;
      resolve({
        label: options.label,
        child,
        apps: ready.map((a) => ({ name: a.name, port: a.port, baseUrl: `http://127.0.0.1:${a.port}`, pid, config: a.config })),
      });
    });
  });
}

function readyApps(line: string): ReadyApp[] | undefined {
  if (!line.includes(READY_KEY)) return undefined;
  try {
    const apps = (JSON.parse(line) as Partial<ReadyLine>)[READY_KEY]?.apps;
    return Array.isArray(apps) && apps.every((a) => typeof a.port === 'number' && typeof a.config === 'object') ? apps : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM by PID (the server closes and exits, flushing usage and any CPU profile), SIGKILL if it hangs. */
export async function stopServer(child: ChildProcess): Promise<void> {
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

export async function stopAllServers(): Promise<void> {
  await Promise.all([...liveChildren].map((child) => stopServer(child)));
}

/** False when the process is already gone: a terminal's Ctrl-C reaches the servers too. */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

let interruptExitCode: number | null = null;

/**
 * The exit code once Ctrl-C (130) or SIGTERM (143) arrived, else null: a load failing after that
 * is the interruption, not news.
 */
export function interruptedExitCode(): number | null {
  return interruptExitCode;
}

/**
 * Runs cleanUp once, whichever comes first: the normal end of main, Ctrl-C or SIGTERM. A signal
 * exits with 128 + its number after cleaning up, so no server, data directory or Redis key stays.
 *
 * The handlers stay installed (process.on, not once): under `npx tsx`/`npm run`, the tsx CLI
 * relays a signal to this process again when it does not hear back within 30 ms (easily missed
 * on a loaded machine), and with no listener left tsx's own handler would exit on the spot,
 * skipping the clean-up. A repeated signal is therefore ignored while the clean-up runs.
 */
export function cleanUpOnce(cleanUp: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const once = (): Promise<void> => (running ??= cleanUp());
  const onSignal = (name: NodeJS.Signals, code: number) => (): void => {
    if (interruptExitCode !== null) return;
    interruptExitCode = code;
    process.stderr.write(`\n${name}: stopping the bench servers and cleaning up\n`);
    once().finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal('SIGINT', 130));
  process.on('SIGTERM', onSignal('SIGTERM', 143));
  return once;
}

// ---------------------------------------------------------------------------------------------
// Requests before the load

export function authHeaders(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}` };
}

/**
 * PATCH /v1/organizations with RAISED_RATE_LIMIT in every category, the way an operator would, then
 * check on a GET that the limits took and that the limiter is (or is not) answering. With the
 * limiter on, the PATCH and this GET are the first two metadata requests of the minute: well within
 * a fresh organization's 10.
 */
export async function raiseRateLimits(app: App, apiKey: string): Promise<void> {
  const headers = authHeaders(apiKey);
  const rateLimits = Object.fromEntries(RATE_LIMIT_CATEGORIES.map((c) => [c, RAISED_RATE_LIMIT]));
  const patch = await fetch(`${app.baseUrl}${ORGANIZATIONS_PATH}`, {
    method: 'PATCH',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ rate_limits: rateLimits }),
  });
  const patchBody = (await patch.json()) as { rate_limits?: Record<string, unknown> };
  if (patch.status !== 200) throw new Error(`${app.name}: PATCH ${ORGANIZATIONS_PATH}: status ${patch.status}, body ${JSON.stringify(patchBody)}`);

  const get = await fetch(`${app.baseUrl}${ORGANIZATIONS_PATH}`, { headers });
  const body = (await get.json()) as { organization_id?: unknown; users?: unknown; rate_limits?: Record<string, unknown> };
  if (get.status !== 200 || typeof body.organization_id !== 'string' || !Array.isArray(body.users) || body.users.length === 0) {
    throw new Error(`${app.name}: GET ${ORGANIZATIONS_PATH}: status ${get.status}, body ${JSON.stringify(body)}`);
  }
  const notRaised = RATE_LIMIT_CATEGORIES.filter((c) => body.rate_limits?.[c] !== RAISED_RATE_LIMIT);
  if (notRaised.length > 0) throw new Error(`${app.name}: rate limits not raised by the PATCH: ${JSON.stringify(body.rate_limits)}`);

  const limitHeader = get.headers.get('x-ratelimit-limit');
  const expected = app.config.rateLimiting ? String(RAISED_RATE_LIMIT) : null;
  if (limitHeader !== expected) {
    throw new Error(`${app.name}: x-ratelimit-limit is ${JSON.stringify(limitHeader)}, expected ${JSON.stringify(expected)} (rate limiting ${app.config.rateLimiting ? 'on' : 'off'})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Load

export interface RouteResult {
  path: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /**
   * CPU time the server process used (all its threads, GC included) per request during the run,
   * in µs; null where /proc is not available. Unlike req/s it does not depend on how much CPU the
   * server got, so it holds still when the load generator or a neighbour takes more of the machine.
   */
  serverCpuUsPerRequest: number | null;
  /** The server's CPU use during the run in cores (1.0 = one core busy all the time); null without /proc. */
  serverCpuCores: number | null;
}

export class NonSuccessError extends Error {}

const CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();

function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/** User + system CPU time of a process in ms, from /proc/<pid>/stat (Linux); null elsewhere. */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is the first, utime the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/**
 * One autocannon run against a server whose process is serverPid; any non-2xx, error or timeout
 * (warm-ups included) fails the benchmark.
 */
export async function loadRoute(
  label: string,
  url: string,
  headers: Record<string, string>,
  connections: number,
  durationSeconds: number,
  serverPid: number | undefined,
): Promise<RouteResult> {
  const cpuBefore = processCpuMs(serverPid);
  const startedAt = performance.now();
  const result = await autocannon({ url, headers, connections, duration: durationSeconds, pipelining: 1 });
  const elapsedMs = performance.now() - startedAt;
  const cpuAfter = processCpuMs(serverPid);
  const cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result['2xx'] === 0) {
    const codes = JSON.stringify(result.statusCodeStats ?? {});
    const hint = result.statusCodeStats?.['429'] ? ' — 429s: the rate limits were not raised (or the PATCH did not take)' : '';
    throw new NonSuccessError(
      `${label}: ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts (status codes ${codes})${hint}`,
    );
  }
  return {
    path: new URL(url).pathname,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    serverCpuUsPerRequest: cpuMs === null || result.requests.total === 0 ? null : round((cpuMs * 1000) / result.requests.total, 1),
    serverCpuCores: cpuMs === null ? null : round(cpuMs / elapsedMs, 2),
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics and reporting

/** The median; the mean of the middle two for an even count. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median over the values that exist; null when none does. */
export function medianOrNull(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : median(present);
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface MachineInfo {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  /** 1-minute load average when the measurement started: a busy machine shows here. */
  loadAverage1mAtStart: number;
  /** The tree that was measured; srcDirty when src/ differs from that commit. */
  git: { commit: string; srcDirty: boolean } | null;
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    loadAverage1mAtStart: round(os.loadavg()[0] ?? 0, 2),
    git: gitState(),
  };
}

function gitState(): MachineInfo['git'] {
  try {
    const run = (args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: run(['rev-parse', '--short', 'HEAD']), srcDirty: run(['status', '--porcelain', '--', 'src']) !== '' };
  } catch {
    // Not a git checkout (an unpacked tarball): the numbers stand without it.
    return null;
  }
}

export function describeTree(git: MachineInfo['git']): string {
  return git ? `${git.commit}${git.srcDirty ? ' + uncommitted src/ changes' : ''}` : 'unknown';
}

export function describeServer(config: ServerConfigReport): string {
  const limiter = config.rateLimiting ? `rate limiting on (${config.rateLimitBackend === 'redis' ? `Redis, prefix ${config.redisKeyPrefix}` : 'in-memory'})` : 'rate limiting off';
  return `${limiter}, usage accounting ${config.usageAccounting ? 'on' : 'off'}, read cache ${config.cacheTtlMs} ms`;
}

/** Pads columns to their widest cell: the first `leftAligned` columns to the left, the rest to the right. */
export function formatTable(rows: string[][], leftAligned: number): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i < leftAligned ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
}

/** A number for a table cell; 'n/a' for null. */
export function cell(value: number | null, digits = 1, suffix = ''): string {
  return value === null ? 'n/a' : `${value.toFixed(digits)}${suffix}`;
}

export function progress(json: boolean, message: string): void {
  process.stderr.write(`${json ? '' : '· '}${message}\n`);
}

// Starts Tessera the way the README's quickstart does (`npm start` in the repository root) on a fresh
// data directory, and stops it again. Nothing here comes from src/ or test/: the suite sees Tessera
// only as a user does, through the command, its output and HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface RunningServer {
  url: string;
  /** The admin key the first start printed. */
  apiKey: string;
  dataDir: string;
  /** Everything the process tree wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The README's settings and nothing else: settings of the environment the suite runs in (a CI's
 * TESSERA_TEST_DATABASE_URL, a developer's TESSERA_DATA_DIR or PORT) must not leak into the server.
 */
function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('TESSERA_') || name === 'PORT' || name === 'HOST' || name === 'LOG_LEVEL') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** True while any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startServer(): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-acceptance-'));
  // `npm start` runs sh → tsx → node; detached puts them all in one new process group (pgid = the
  // npm process's pid), so stopping kills that group and no grandchild outlives the suite.
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    // Port 0: the system picks a free port, read back from the "Server listening at" line.
    env: cleanEnvironment({ PORT: '0', TESSERA_DATA_DIR: dataDir }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid!;
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // A test runner that exits or is stopped mid-run (Ctrl-C, a CI timeout) must not leave a server
  // behind: kill the group, then let the signal do what it would have done.
  const killOnExit = (): void => {
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const killOnSignal = (signal: NodeJS.Signals): void => {
    killOnExit();
    process.kill(process.pid, signal);
  };
  process.on('exit', killOnExit);
  for (const signal of STOP_SIGNALS) process.once(signal, killOnSignal);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (groupAlive(pgid)) {
      process.kill(-pgid, 'SIGTERM');
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
      while (groupAlive(pgid)) await sleep(50);
    }
    process.off('exit', killOnExit);
    for (const signal of STOP_SIGNALS) process.off(signal, killOnSignal);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const { url, apiKey } = await waitForStart(child, () => output);
    await waitForHealth(url);
    return { url, apiKey, dataDir, output: () => output, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- server output ---\n${output.slice(-4000)}`);
  }
}

/** The listening URL (from the log line) and the admin key (printed once on a fresh store). */
async function waitForStart(child: ChildProcess, output: () => string): Promise<{ url: string; apiKey: string }> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const text = output();
    const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    const apiKey = /Tessera admin API key \(shown once, store it now\):\s+(sk_[A-Za-z0-9_-]+)/.exec(text)?.[1];
    if (url && apiKey) return { url, apiKey };
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`npm start exited (${child.exitCode ?? child.signalCode}) before listening`);
    await sleep(100);
  }
  throw new Error(`npm start did not print its URL and admin key within ${START_TIMEOUT_MS / 1000} s`);
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/v1/health`);
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`GET /v1/health never answered 200 (last: ${last})`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

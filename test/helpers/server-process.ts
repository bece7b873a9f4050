// A real `tessera serve` process on a free port, for multi-process and fault tests. Its output is
// kept for assertions and failure messages; stop() sends SIGTERM and waits for the exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ENVIRONMENT_VARIABLES, type TesseraConfig } from '../../src/config.ts';
import { REPO_ROOT, SERVER_ARGS } from './run-node.ts';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The environment of a store from freshStore(), as variables. */
export function storeEnv(settings: Partial<TesseraConfig>): NodeJS.ProcessEnv {
  return {
    ...(settings.dataDir ? { TESSERA_DATA_DIR: settings.dataDir } : {}),
    ...(settings.databaseUrl ? { TESSERA_DATABASE_URL: settings.databaseUrl } : {}),
    ...(settings.databaseSchema ? { TESSERA_DATABASE_SCHEMA: settings.databaseSchema } : {}),
  };
}

/** Starts a server with exactly these Tessera variables (none inherited from the test's environment). */
export async function startServer(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ServerProcess> {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) base[k] = v;
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: REPO_ROOT,
    env: { ...base, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), timeoutMs);
    const onData = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

/** JSON over HTTP to a server process with one key; the server is looked up per call (it may be restarted). */
export interface ApiClient {
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

export function apiClient(server: () => ServerProcess, key: string): ApiClient {
  return {
    async call(method, url, body, headers = {}) {
      const res = await fetch(server().url + url, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
  };
}

/** A real `tessera worker` with exactly these Tessera variables (none inherited from the test's environment). */
export function startWorkerProcess(env: NodeJS.ProcessEnv): ChildProcess {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) base[k] = v;
  return spawn(process.execPath, ['bin/tessera.js', 'worker'], { cwd: REPO_ROOT, env: { ...base, LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' });
}

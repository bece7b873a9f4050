// Runs `node <args>` from the repository root and collects its output (CLI and server-start tests).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** True when the suite runs from the test build (.build/, plain node; see scripts/run-tests.mjs). */
export const BUILT = HERE.split(path.sep).includes('.build');
export const REPO_ROOT = path.resolve(HERE, '..', '..', ...(BUILT ? ['..'] : []));
/**
 * The node arguments that start the API server: the built one when the suite runs built, else
 * through tsx as `npm start` does. The CLI tests spawn bin/tessera.js (tsx) either way.
 */
export const SERVER_ARGS = BUILT ? ['.build/src/server.js'] : ['--import', 'tsx', 'src/server.ts'];

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: node ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// Runs ANN builds on worker threads, one at a time per process: a build keeps a core busy for
// tens of seconds (100k 384-d vectors: about a minute), and two at once would only slow both and
// the requests sharing the machine. Queued builds start in order; close() stops the running one.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AnnBuildMessage, AnnBuildTask } from './ann-build-worker.ts';
import { HNSW_EF_CONSTRUCTION, HNSW_M } from './ann-index.ts';

const HERE = fileURLToPath(import.meta.url);
/** Next to this module, with its extension: .js in a build, .ts when run through tsx. */
const WORKER_FILE = path.join(path.dirname(HERE), `ann-build-worker${path.extname(HERE)}`);

/**
 * The worker's entry, evaluated: it imports the build module. Under tsx (a .ts module) it first
 * registers tsx's loader in the thread (Node 20 does not carry module hooks into workers).
 */
function workerSource(): string {
  const target = JSON.stringify(pathToFileURL(WORKER_FILE).href);
  if (path.extname(HERE) !== '.ts') return `import(${target})`;
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then((tsx) => { tsx.register(); return import(${target}); })`;
}

export class BuildStoppedError extends Error {
  constructor() {
    super('the ANN build was stopped');
    this.name = 'BuildStoppedError';
  }
}

export interface AnnBuildRequest {
  data: Float32Array;
  dimensions: number;
  slots: Int32Array;
  /** Where the graph goes; written under a temporary name, synced, then renamed to this. */
  file: string;
  /** Checked when the build's turn comes: true skips it (its namespace was unloaded or rebuilt). */
  cancelled?: () => boolean;
}

export class AnnBuilder {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly running = new Set<Worker>();
  private stopped = false;

  /** Resolves once `request.file` holds the graph, durably; rejects with BuildStoppedError after close(). */
  build(request: AnnBuildRequest): Promise<void> {
    const run = this.queue.then(() => this.run(request));
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running].map((w) => w.terminate()));
  }

  private async run(request: AnnBuildRequest): Promise<void> {
    if (this.stopped || request.cancelled?.()) throw new BuildStoppedError();
    const temporary = `${request.file}.tmp`;
    const task: AnnBuildTask = { data: request.data, dimensions: request.dimensions, slots: request.slots, file: temporary, m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION };
    const worker = new Worker(workerSource(), { eval: true, workerData: task, execArgv: [] });
    this.running.add(worker);
    try {
      await new Promise<void>((resolve, reject) => {
        let done = false;
        worker.on('message', (m: AnnBuildMessage) => {
          if ('done' in m) done = true;
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (done) resolve();
          else if (this.stopped) reject(new BuildStoppedError());
          else reject(new Error(`the ANN build thread exited with code ${code} before finishing`));
        });
      });
      await syncFile(temporary);
      await fs.promises.rename(temporary, request.file);
    } catch (err) {
      await fs.promises.rm(temporary, { force: true });
      throw err;
    } finally {
      this.running.delete(worker);
    }
  }
}

export async function syncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

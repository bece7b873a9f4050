// The worker threads that run neural models (piscina): started on the first neural embedding, so a
// process that only uses the built-in lexical model starts none. Each thread loads a model once, on
// first use, and keeps it. A thread that dies (out of memory, a native crash) fails its task with a
// plain error, so the job that asked retries on its own schedule, and piscina starts a new thread.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { EmbedResult, EmbedTask } from './inference-worker.ts';
import type { TransformersSettings } from './transformers-text-embedder.ts';

const HERE = fileURLToPath(import.meta.url);
/** Next to this module, with its extension: .js in a build, .ts when run through tsx. */
const WORKER_FILE = path.join(path.dirname(HERE), `inference-worker${path.extname(HERE)}`);

/** Node options for the worker threads: under tsx (a .ts module), the worker needs tsx's loader too. */
function workerExecArgv(): string[] | undefined {
  if (path.extname(HERE) !== '.ts') return undefined;
  const loader = import.meta.resolve('tsx');
  const has = process.execArgv.some((a, i) => /(^|[=/])tsx(\/|$)|tsx\/dist\/loader/.test(a) || (a === '--import' && /tsx/.test(process.execArgv[i + 1] ?? '')));
  return has ? [...process.execArgv] : [...process.execArgv, '--import', loader];
}

export interface InferencePoolOptions extends TransformersSettings {
  /** TESSERA_INFERENCE_THREADS */
  threads: number;
  /** An idle thread ends after this long, unloading its models (default 30 minutes). */
  idleTimeoutMs?: number;
}

export class InferencePool {
  private pool: Piscina<EmbedTask, EmbedResult> | null = null;
  private closed = false;

  constructor(private readonly options: InferencePoolOptions) {}

  /** Threads running now (0 before the first neural embedding and after close). */
  get threadCount(): number {
    return this.pool?.threads.length ?? 0;
  }

  private open(): Piscina<EmbedTask, EmbedResult> {
    if (this.closed) throw new Error('the inference pool is closed');
    if (!this.pool) {
      const { threads, idleTimeoutMs, ...settings } = this.options;
      // Threads share the cores: each model session gets its share instead of every core.
      const sessionThreads = settings.sessionThreads ?? Math.max(1, Math.floor(os.availableParallelism() / threads));
      const execArgv = workerExecArgv();
      this.pool = new Piscina<EmbedTask, EmbedResult>({
        filename: WORKER_FILE,
        minThreads: 0,
        maxThreads: threads,
        idleTimeout: idleTimeoutMs ?? 30 * 60_000,
        workerData: { ...settings, sessionThreads } satisfies TransformersSettings,
        ...(execArgv ? { execArgv } : {}),
      });
    }
    return this.pool;
  }

  run(task: EmbedTask, signal?: AbortSignal): Promise<EmbedResult> {
    return this.open().run(task, signal ? { signal } : {});
  }

  /** Ends the threads (a running task is rejected); safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}

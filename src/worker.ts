// `tessera worker`: a process without HTTP over the same runtime as the API that runs background
// jobs (always, whichever queue: the database's or BullMQ's). It starts, reports the health of what
// it works with and which jobs it runs, and on SIGTERM/SIGINT stops claiming, lets running jobs
// finish (up to TESSERA_JOB_SHUTDOWN_TIMEOUT_MS) and exits.
import type { TesseraConfig } from './config.ts';
import type { HealthReport } from './engine/health/health-service.ts';
import { JOB_NAMES } from './engine/jobs/job-catalogue.ts';
import { openRuntime } from './runtime.ts';

export interface WorkerOptions {
  /** Print one JSON line once started (like `serve --json`). */
  json?: boolean;
}

/** What the start line says: the same components as GET /v1/health, in the worker's words. */
export interface WorkerStatus {
  role: 'worker';
  healthy: boolean;
  metadata: { ok: boolean; backend: HealthReport['backend']; error: string | null };
  redis: { ok: boolean; location: HealthReport['cacheLocation']; error: string | null };
  jobs: { queue: 'database' | 'redis'; concurrency: number; names: string[] };
}

/** Resolves once started; the process then runs until a signal closes the runtime and exits. */
export async function runWorker(config: TesseraConfig, options: WorkerOptions = {}): Promise<void> {
  const runtime = await openRuntime(config, { role: 'worker' });
  // The queue's poll timer (or BullMQ's connections) holds the event loop; this holds it regardless until a signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      runtime.log.info({ signal }, 'worker shutting down');
      clearInterval(keepAlive);
      runtime.close().then(
        () => process.exit(0),
        (err: unknown) => {
          runtime.log.error({ err }, 'worker shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  const report = await runtime.services.health.check();
  const status: WorkerStatus = {
    role: 'worker',
    healthy: report.healthy,
    metadata: { ok: report.metadata.ok, backend: report.backend, error: report.metadata.error },
    redis: { ok: report.cache.ok, location: report.cacheLocation, error: report.cache.error },
    jobs: { queue: config.jobQueue, concurrency: config.workerConcurrency, names: [...JOB_NAMES] },
  };
  const fields = { ...status, metadata_cause: causeOf(report.metadata.cause), redis_cause: causeOf(report.cache.cause) };
  if (report.healthy) runtime.log.info(fields, 'worker started; running jobs until SIGTERM');
  else runtime.log.warn(fields, 'worker started with a component down; running jobs until SIGTERM');
  if (options.json) process.stdout.write(`${JSON.stringify(status)}\n`);
}

/** The driver's reason, for the log only (the JSON line keeps the public words, like GET /v1/health). */
function causeOf(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  return cause instanceof Error ? cause.message : String(cause);
}

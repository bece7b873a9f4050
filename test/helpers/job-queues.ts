// Job queues over a private store for the queue suites: the embedded queue (the store of the
// current backend) and BullMQ on the shared test Redis under a unique prefix.
import { setTimeout as delay } from 'node:timers/promises';
import type { QueueLog, QueueSettings } from '../../src/adapters/queue/base-job-queue.ts';
import { BullMqJobQueue } from '../../src/adapters/queue/bullmq-job-queue.ts';
import { DatabaseJobQueue } from '../../src/adapters/queue/database-job-queue.ts';
import { openMetadataStore } from '../../src/compose.ts';
import { validateConfig, type TesseraConfig } from '../../src/config.ts';
import type { JobPayloads } from '../../src/engine/jobs/job-catalogue.ts';
import { systemClock } from '../../src/engine/ports/clock.ts';
import type { JobQueue } from '../../src/engine/ports/job-queue.ts';
import type { MetadataStore } from '../../src/engine/ports/metadata-store.ts';
import type { JobTenant } from '../../src/engine/scope/job-scope.ts';
import { dropRedisPrefix, TEST_REDIS_URL } from './shared-redis.ts';
import { freshStore, uniqueName } from './test-app.ts';

/** The catalogue the queue suites use: no production handler is involved. */
export type TestJobs = {
  'test.echo': JobTenant & { value: string };
  'test.fail': JobTenant & { key: string };
  'test.slow': JobTenant & { key: string; ms: number };
  'test.other': JobTenant;
};
export const TEST_JOB_NAMES = ['test.echo', 'test.fail', 'test.slow', 'test.other'] as const;

export const TENANT: JobTenant = { organization_id: 'org_test', namespace_id: null };

export type QueueKind = 'database' | 'redis';

export interface QueueHarness {
  kind: QueueKind;
  store: MetadataStore;
  /** Where the store is, for processes that open it too. */
  settings: Partial<TesseraConfig>;
  /** A queue over the harness's store (closed by close()). */
  open(declared?: readonly (keyof TestJobs & string)[], settings?: Partial<QueueSettings>): JobQueue<TestJobs>;
  close(): Promise<void>;
}

export const SILENT_LOG: QueueLog = { info() {}, warn() {}, error() {} };

export const FAST: QueueSettings = { concurrency: 4, pollIntervalMs: 50, leaseMs: 2000, shutdownTimeoutMs: 5000, runHandlers: true };

export async function openHarness(kind: QueueKind): Promise<QueueHarness> {
  const location = await freshStore();
  const store = await openMetadataStore(validateConfig({ ...location.settings, logLevel: 'silent' }));
  await store.migrate();
  const prefix = `${uniqueName('bullq')}`;
  const queues: JobQueue<TestJobs>[] = [];
  return {
    kind,
    store,
    settings: location.settings,
    open(declared = TEST_JOB_NAMES, settings = {}) {
      const merged = { ...FAST, ...settings };
      const queue: JobQueue<TestJobs> =
        kind === 'redis'
          ? new BullMqJobQueue<TestJobs>(store, declared, merged, systemClock, SILENT_LOG, { url: TEST_REDIS_URL!, prefix, connectTimeoutMs: 2000, relay: true })
          : new DatabaseJobQueue<TestJobs>(store, declared, merged, systemClock, SILENT_LOG);
      queues.push(queue);
      return queue;
    },
    async close() {
      await Promise.all(queues.map((q) => q.close()));
      await store.close();
      await location.drop();
      if (kind === 'redis') await dropRedisPrefix(prefix);
    },
  };
}

/** Polls until the check returns a value (not undefined/false), or fails after ms. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

export type { JobPayloads };

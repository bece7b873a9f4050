import type { MetadataStore } from '../ports/metadata-store.ts';
import type { CounterLocation, RateLimitCounter } from '../ports/rate-limit-counter.ts';

export interface ComponentHealth {
  ok: boolean;
  /** What the public response says: never a driver message. */
  error: string | null;
  /** The underlying failure, for the server log only. */
  cause?: unknown;
}

export interface HealthReport {
  /** Every component answered. */
  healthy: boolean;
  /** A component that requests cannot do without is down: the service is unavailable, not degraded. */
  unavailable: boolean;
  metadata: ComponentHealth;
  backend: MetadataStore['backend'];
  /** The rate-limit counter's store (the seed's `cache` component). */
  cache: ComponentHealth;
  cacheLocation: CounterLocation;
}

/**
 * A probe that has not answered by then counts as down: a hung database or a frozen Redis must not
 * hang the health check that is supposed to report it (load balancers time out and retry).
 */
export const PROBE_TIMEOUT_MS = 2000;

export class HealthService {
  constructor(
    private readonly store: MetadataStore,
    private readonly counter?: RateLimitCounter,
  ) {}

  async check(): Promise<HealthReport> {
    const counter = this.counter;
    // Both at once: the check takes as long as the slower probe, never the sum.
    const [metadata, cache] = await Promise.all([probe(() => this.store.ping()), counter ? probe(() => counter.probe()) : up()]);
    // The metadata store is always required; the counter only when it fails closed.
    const unavailable = !metadata.ok || (!cache.ok && counter?.required === true);
    return {
      healthy: metadata.ok && cache.ok,
      unavailable,
      metadata,
      backend: this.store.backend,
      cache,
      cacheLocation: counter?.location ?? 'in-process',
    };
  }
}

async function up(): Promise<ComponentHealth> {
  return { ok: true, error: null };
}

async function probe(check: () => Promise<void>): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), PROBE_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([check().then(() => 'ok' as const), timeout]);
    if (outcome === 'timeout') return { ok: false, error: 'timeout', cause: new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`) };
    return { ok: true, error: null };
  } catch (cause) {
    // The reason goes to the server log; health responses are public and must not leak driver messages.
    return { ok: false, error: 'unreachable', cause };
  } finally {
    clearTimeout(timer);
  }
}

import type { MetadataStore } from '../ports/metadata-store.ts';

export interface ComponentHealth {
  ok: boolean;
  /** What the public response says: never a driver message. */
  error: string | null;
  /** The underlying failure, for the server log only. */
  cause?: unknown;
}

export interface HealthReport {
  healthy: boolean;
  metadata: ComponentHealth;
  backend: MetadataStore['backend'];
}

export class HealthService {
  constructor(private readonly store: MetadataStore) {}

  async check(): Promise<HealthReport> {
    const metadata = await probe(() => this.store.ping());
    return { healthy: metadata.ok, metadata, backend: this.store.backend };
  }
}

async function probe(check: () => Promise<void>): Promise<ComponentHealth> {
  try {
    await check();
    return { ok: true, error: null };
  } catch (cause) {
    // The reason goes to the server log; health responses are public and must not leak driver messages.
    return { ok: false, error: 'unreachable', cause };
  }
}

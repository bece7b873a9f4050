import type { MetadataStore } from '../ports/metadata-store.ts';

export interface ComponentHealth {
  ok: boolean;
  error: string | null;
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
  } catch {
    // The reason stays in the server log; health responses are public and must not leak driver messages.
    return { ok: false, error: 'unreachable' };
  }
}

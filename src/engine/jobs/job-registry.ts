// Which handler runs each job name, and the start-up check that every declared name has one.
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import type { JobPayloads } from './job-catalogue.ts';
import type { HandlerOptions, JobHandler } from '../ports/job-queue.ts';

export const DEFAULT_MAX_ATTEMPTS = 5;

export interface RegisteredHandler {
  handler: JobHandler<unknown>;
  maxAttempts: number;
  backoff: BackoffPolicy;
  onExhausted: ((payload: unknown, error: string) => Promise<void>) | null;
}

/** A declared job name without a handler: the process refuses to start. */
export class MissingJobHandlersError extends Error {
  constructor(readonly names: string[]) {
    super(`No handler is registered for the declared job${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')}: register one (src/engine/jobs/job-handlers.ts) before the queue starts`);
  }
}

export class JobRegistry<C extends JobPayloads> {
  private readonly handlers = new Map<string, RegisteredHandler>();

  /** `declared`: the names that must have a handler (the catalogue's, or a test's subset). */
  constructor(readonly declared: readonly (keyof C & string)[]) {}

  register<N extends keyof C & string>(name: N, handler: JobHandler<C[N]>, options: HandlerOptions<C[N]> = {}): void {
    if (!this.declared.includes(name)) throw new Error(`Job '${name}' is not declared in the job catalogue`);
    if (this.handlers.has(name)) throw new Error(`Job '${name}' already has a handler`);
    this.handlers.set(name, {
      handler: handler as JobHandler<unknown>,
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      onExhausted: (options.onExhausted as RegisteredHandler['onExhausted']) ?? null,
    });
  }

  get(name: string): RegisteredHandler | undefined {
    return this.handlers.get(name);
  }

  /** Names with handlers: what this process may claim. */
  get names(): string[] {
    return [...this.handlers.keys()];
  }

  assertComplete(): void {
    const missing = this.declared.filter((name) => !this.handlers.has(name));
    if (missing.length > 0) throw new MissingJobHandlersError(missing);
  }
}

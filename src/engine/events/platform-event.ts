// Platform events (SPEC §19): what webhooks deliver. Emitters publish them in the transaction of the
// change they describe (an outbox), so an event is never sent for a change that rolled back, nor
// lost for one that committed.
import type { Repositories } from '../ports/unit-of-work.ts';
import type { TenantScope } from '../scope/request-scope.ts';

/** Mixpeek's WebhookEventType values this issue emits, plus the docs-only batch.completed. */
export type PlatformEventType =
  | 'object.created'
  | 'objects.created.batch'
  | 'object.updated'
  | 'object.deleted'
  | 'collection.created'
  | 'collection.updated'
  | 'collection.deleted'
  | 'collection.documents.written'
  | 'batch.completed'
  | 'task.completed'
  | 'task.failed';

export interface PlatformEvent {
  event_type: PlatformEventType;
  /** The namespace the subject lives in; null for organization-level subjects. */
  namespace_id: string | null;
  subject: { type: 'object' | 'bucket' | 'collection' | 'batch' | 'task'; id: string };
  metadata: Record<string, unknown>;
}

export interface EventPublisher {
  /** Records the event for delivery with the caller's transaction (repos from store.transaction). */
  publishIn(repos: Repositories, tenant: TenantScope, event: PlatformEvent): Promise<void>;
}

/** Where no webhook module is wired (processes that emit nothing, tests of other modules). */
export const NO_EVENTS: EventPublisher = { publishIn: async () => {} };

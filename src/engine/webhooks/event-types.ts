// Which events exist and which subscriptions they match. Mixpeek's WebhookEventType values, plus
// Tessera's batch and task events (batch.completed is in Mixpeek's docs, not its enum).
import type { WebhookEventPayload } from './types.ts';

export const MIXPEEK_EVENT_TYPES = [
  'object.created',
  'objects.created.batch',
  'object.updated',
  'object.deleted',
  'collection.created',
  'collection.updated',
  'collection.deleted',
  'collection.documents.written',
  'cluster.created',
  'cluster.updated',
  'cluster.deleted',
  'cluster.execution.started',
  'cluster.execution.completed',
  'cluster.execution.failed',
  'trigger.created',
  'trigger.updated',
  'trigger.deleted',
  'trigger.paused',
  'trigger.resumed',
  'trigger.fired',
  'trigger.execution.completed',
  'trigger.execution.failed',
  'taxonomy.created',
  'taxonomy.updated',
  'taxonomy.deleted',
  'alert.created',
  'alert.updated',
  'alert.deleted',
  'alert.triggered',
  'alert.execution.completed',
  'alert.execution.failed',
] as const;

export const TESSERA_EVENT_TYPES = ['batch.completed', 'task.completed', 'task.failed'] as const;

export const WEBHOOK_EVENT_TYPES: readonly string[] = [...MIXPEEK_EVENT_TYPES, ...TESSERA_EVENT_TYPES];

/** Resources with events: 'object.*' matches object.created/updated/deleted, 'objects.*' the batch event. */
const RESOURCES = new Set(WEBHOOK_EVENT_TYPES.map((t) => t.split('.')[0]!));

/** Whether a subscription entry is acceptable: a known type, '*', or '<resource>.*'. */
export function isKnownSubscription(entry: string): boolean {
  if (entry === '*' || WEBHOOK_EVENT_TYPES.includes(entry)) return true;
  return entry.endsWith('.*') && RESOURCES.has(entry.slice(0, -2));
}

export function subscriptionMatches(subscriptions: readonly string[], eventType: string): boolean {
  return subscriptions.some((s) => s === '*' || s === eventType || (s.endsWith('.*') && eventType.startsWith(s.slice(0, -1))));
}

/** What a receiver's cache should drop for the event (Mixpeek's KEY / COLLECTION / NAMESPACE annotations). */
export function cacheScopeFor(eventType: string, subject: { type: string; id: string }, metadata: Record<string, unknown>): WebhookEventPayload['cache_scope'] {
  const collectionId = subject.type === 'collection' ? subject.id : typeof metadata.collection_id === 'string' ? metadata.collection_id : null;
  if (eventType === 'object.created' || eventType === 'object.updated' || eventType === 'object.deleted') return { scope: 'key', collection_id: null };
  if (eventType === 'collection.created' || eventType === 'collection.updated' || eventType === 'collection.documents.written') {
    return { scope: 'collection', collection_id: collectionId };
  }
  return { scope: 'namespace', collection_id: collectionId };
}

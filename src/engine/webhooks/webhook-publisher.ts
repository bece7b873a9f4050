// The EventPublisher behind services.events: in the emitter's transaction, one delivery row per
// matching active webhook and channel, and the first attempt's job (the outbox). A rolled-back change
// leaves no delivery; a committed one always has its jobs.
import { randomBytes } from 'node:crypto';
import type { PlatformEvent, EventPublisher } from '../events/platform-event.ts';
import type { JobCatalogue } from '../jobs/job-catalogue.ts';
import type { Clock } from '../ports/clock.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import type { TenantScope } from '../scope/request-scope.ts';
import { cacheScopeFor, subscriptionMatches } from './event-types.ts';
import type { NewDelivery } from './webhook-repositories.ts';
import type { WebhookEventPayload } from './types.ts';

export const newEventId = (): string => `evt_${randomBytes(12).toString('hex')}`;
export const newDeliveryId = (): string => `whd_${randomBytes(12).toString('hex')}`;

/** The job id of a delivery's n-th attempt: re-enqueueing the same attempt changes nothing. */
export const deliveryJobId = (deliveryId: string, attempt: number): string => `webhook.deliver:${deliveryId}:${attempt}`;

export class WebhookEventPublisher implements EventPublisher {
  constructor(
    private readonly queue: JobQueue<JobCatalogue>,
    private readonly clock: Clock,
  ) {}

  async publishIn(repos: Repositories, tenant: TenantScope, event: PlatformEvent): Promise<void> {
    const webhooks = (await repos.webhooks.listAll(tenant, { isActive: true })).filter((w) => subscriptionMatches(w.eventTypes, event.event_type));
    if (webhooks.length === 0) return;
    const now = this.clock.now().toISOString();
    const payload: WebhookEventPayload = {
      event_id: newEventId(),
      event_type: event.event_type,
      occurred_at: now,
      namespace_id: event.namespace_id,
      subject: event.subject,
      metadata: event.metadata,
      cache_scope: cacheScopeFor(event.event_type, event.subject, event.metadata),
    };
    const deliveries: NewDelivery[] = webhooks.flatMap((w) =>
      w.channels.map((_, channelIndex) => ({
        deliveryId: newDeliveryId(),
        eventId: payload.event_id,
        organizationInternalId: tenant.organization.internalId,
        webhookId: w.webhookId,
        channelIndex,
        eventType: event.event_type,
        payload,
        createdAt: now,
      })),
    );
    await repos.webhookDeliveries.insertMany(deliveries);
    for (const d of deliveries) {
      await this.queue.enqueueIn(repos, {
        id: deliveryJobId(d.deliveryId, 1),
        name: 'webhook.deliver',
        payload: { organization_id: tenant.organization.organizationId, namespace_id: null, delivery_id: d.deliveryId, attempt: 1 },
      });
    }
  }
}

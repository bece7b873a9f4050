// One attempt of a delivery (the 'webhook.deliver' job): build the body, sign it, POST it through
// the WebhookTransport port (safe-fetch: no private addresses), record the outcome. A failed
// attempt that may heal (network error, timeout, 5xx, 408, 429, any other non-2xx but 4xx) enqueues
// the next attempt with exponential backoff, in the same transaction as the record, until
// maxAttempts; a refused URL (private address, bad scheme) and 4xx answers fail at once.
// Idempotent: a delivery already settled, or an attempt already recorded, is left alone (a rerun
// after a crash between the POST and the record sends again: deliveries are at least once).
import { signWebhook } from '../../lib/webhook-signature.ts';
import { retryDelayMs, type BackoffPolicy } from '../jobs/backoff.ts';
import type { JobCatalogue } from '../jobs/job-catalogue.ts';
import type { Clock } from '../ports/clock.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import { WebhookTransportError, type WebhookTransport } from '../ports/webhook-transport.ts';
import { tenantOf, type TenantScope } from '../scope/request-scope.ts';
import { renderString, renderTemplate } from './payload-template.ts';
import { deliveryJobId } from './webhook-publisher.ts';
import type { DeliveryOutcome } from './webhook-repositories.ts';
import type { WebhookSealing } from './webhook-sealing.ts';
import { SecretsKeyMismatchError } from '../errors.ts';
import type { Webhook, WebhookChannel, WebhookDelivery } from './types.ts';

export interface DeliverySettings {
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  backoff: BackoffPolicy;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = { maxAttempts: 8, backoff: { baseMs: 30_000, maxMs: 3_600_000 } };

export type AttemptResult = 'delivered' | 'retry' | 'failed' | 'canceled' | 'skipped';

export class WebhookDeliverer {
  constructor(
    private readonly store: MetadataStore,
    private readonly sealing: WebhookSealing,
    private readonly transport: WebhookTransport,
    private readonly queue: JobQueue<JobCatalogue> | null,
    private readonly clock: Clock,
    readonly settings: DeliverySettings,
  ) {}

  async attempt(payload: JobCatalogue['webhook.deliver']): Promise<AttemptResult> {
    const organization = await this.store.organizations.findByPublicId(payload.organization_id);
    if (!organization) return 'skipped';
    const tenant = tenantOf(organization);
    const delivery = await this.store.webhookDeliveries.find(tenant, payload.delivery_id);
    // Gone with its webhook, settled, or this attempt already recorded (a rerun of a finished job).
    if (!delivery || delivery.status !== 'pending' || delivery.attempts >= payload.attempt) return 'skipped';
    const stored = await this.store.webhooks.find(tenant, delivery.webhookId);
    if (!stored) return 'skipped';
    const now = () => this.clock.now().toISOString();
    if (!stored.isActive) {
      await this.#record(tenant, delivery, { status: 'canceled', attempts: delivery.attempts, nextAttemptAt: null, lastError: 'the webhook is inactive', responseStatus: null, deliveredAt: null, updatedAt: now() });
      return 'canceled';
    }
    let webhook: Webhook;
    let secret: string;
    try {
      webhook = await this.sealing.open(stored);
      secret = await this.sealing.openSecret(stored);
    } catch (err) {
      if (!(err instanceof SecretsKeyMismatchError)) throw err;
      const lastError = 'nothing sent: the secrets key does not decrypt this webhook (TESSERA_SECRETS_KEY changed?)';
      await this.#record(tenant, delivery, { status: 'failed', attempts: delivery.attempts, nextAttemptAt: null, lastError, responseStatus: null, deliveredAt: null, updatedAt: now() });
      return 'failed';
    }
    const channel = webhook.channels[delivery.channelIndex];
    if (!channel) {
      await this.#record(tenant, delivery, { status: 'canceled', attempts: delivery.attempts, nextAttemptAt: null, lastError: 'the channel was removed from the webhook', responseStatus: null, deliveredAt: null, updatedAt: now() });
      return 'canceled';
    }
    const { url, body, headers, timeoutMs } = request(channel, delivery);
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const signed = {
      ...headers,
      'Content-Type': 'application/json',
      'X-Mixpeek-Event': delivery.eventType,
      'X-Mixpeek-Event-Id': delivery.eventId,
      'X-Mixpeek-Delivery-Id': delivery.deliveryId,
      'X-Mixpeek-Timestamp': String(timestamp),
      'X-Mixpeek-Signature': signWebhook(secret, timestamp, body),
    };
    const attempts = payload.attempt;
    let error: string;
    let responseStatus: number | null = null;
    let retryable: boolean;
    try {
      const answer = await this.transport.post(url, { headers: signed, body, timeoutMs });
      responseStatus = answer.status;
      if (answer.status >= 200 && answer.status < 300) {
        await this.#record(tenant, delivery, { status: 'delivered', attempts, nextAttemptAt: null, lastError: null, responseStatus, deliveredAt: now(), updatedAt: now() });
        return 'delivered';
      }
      const excerpt = answer.bodyExcerpt.trim().slice(0, 300);
      error = `the receiver answered ${answer.status}${excerpt ? `: ${excerpt}` : ''}`;
      retryable = !(answer.status >= 400 && answer.status < 500) || answer.status === 408 || answer.status === 429;
    } catch (err) {
      if (!(err instanceof WebhookTransportError)) throw err;
      error = err.kind === 'refused' ? `nothing sent: ${err.message}` : err.message;
      retryable = err.kind === 'unreachable';
    }
    if (!retryable || attempts >= this.settings.maxAttempts || !this.queue) {
      const why = retryable ? `${error} (after ${attempts} attempts)` : error;
      await this.#record(tenant, delivery, { status: 'failed', attempts, nextAttemptAt: null, lastError: why, responseStatus, deliveredAt: null, updatedAt: now() });
      return 'failed';
    }
    const delayMs = retryDelayMs(attempts, this.settings.backoff);
    const nextAttemptAt = new Date(this.clock.now().getTime() + delayMs).toISOString();
    const queue = this.queue;
    await this.store.transaction(async (repos) => {
      if (!(await repos.webhookDeliveries.record(tenant, delivery.deliveryId, { status: 'pending', attempts, nextAttemptAt, lastError: error, responseStatus, deliveredAt: null, updatedAt: now() }))) return;
      await queue.enqueueIn(repos, {
        id: deliveryJobId(delivery.deliveryId, attempts + 1),
        name: 'webhook.deliver',
        payload: { organization_id: payload.organization_id, namespace_id: null, delivery_id: delivery.deliveryId, attempt: attempts + 1 },
        delayMs,
      });
    });
    return 'retry';
  }

  async #record(tenant: TenantScope, delivery: WebhookDelivery, outcome: DeliveryOutcome): Promise<void> {
    await this.store.webhookDeliveries.record(tenant, delivery.deliveryId, outcome);
  }
}

/** The POST a channel makes for a delivery: URL, body, the channel's own headers, timeout. */
function request(channel: WebhookChannel, delivery: WebhookDelivery): { url: string; body: string; headers: Record<string, string>; timeoutMs: number } {
  const event = delivery.payload as unknown as Record<string, unknown>;
  if (channel.channel === 'webhook') {
    const c = channel.configs;
    const body = c.payloadTemplate ? renderTemplate(c.payloadTemplate, event) : event;
    return { url: c.url, body: JSON.stringify(body), headers: c.headers, timeoutMs: Math.round(c.timeoutSeconds * 1000) };
  }
  const c = channel.configs;
  const text = `${delivery.eventType}: ${delivery.payload.subject.type} ${delivery.payload.subject.id}${delivery.payload.namespace_id ? ` (namespace ${delivery.payload.namespace_id})` : ''}`;
  const message: Record<string, unknown> = { text };
  if (c.channel) message.channel = c.channel;
  if (c.username) message.username = c.username;
  if (c.iconEmoji) message.icon_emoji = c.iconEmoji;
  if (c.iconUrl) message.icon_url = c.iconUrl;
  if (c.blocksTemplate) {
    const rendered = renderString(c.blocksTemplate, event);
    try {
      const blocks: unknown = typeof rendered === 'string' ? JSON.parse(rendered) : rendered;
      if (Array.isArray(blocks)) message.blocks = blocks;
    } catch {
      // Not JSON: the text alone goes.
    }
  }
  return { url: c.webhookUrl, body: JSON.stringify(message), headers: {}, timeoutMs: 10_000 };
}

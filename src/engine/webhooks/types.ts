// Organization webhooks (SPEC §19): subscriptions to platform events, and the deliveries (the
// outbox) that carry each event to each channel.

export type WebhookChannelKind = 'webhook' | 'slack' | 'email';

/** An HTTP endpoint: POST of the event (or of payload_template rendered with it), signed. */
export interface HttpChannelConfig {
  url: string;
  headers: Record<string, string>;
  /** A JSON object whose strings may hold `{{ var }}` placeholders; null: the event itself is the body. */
  payloadTemplate: Record<string, unknown> | null;
  timeoutSeconds: number;
}

/** A Slack incoming webhook: a POST of {text, …} to webhook_url. */
export interface SlackChannelConfig {
  webhookUrl: string;
  channel: string | null;
  username: string | null;
  iconEmoji: string | null;
  iconUrl: string | null;
  /** A string rendered like payload templates; when it renders to a JSON array it is sent as `blocks`. */
  blocksTemplate: string | null;
}

export type WebhookChannel = { channel: 'webhook'; configs: HttpChannelConfig } | { channel: 'slack'; configs: SlackChannelConfig };

export interface Webhook {
  webhookId: string;
  organizationInternalId: string;
  webhookName: string;
  /** Event types, '*' (all), or 'resource.*' (every event of a resource). */
  eventTypes: string[];
  channels: WebhookChannel[];
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a create or a full update (PUT) gives: validated by webhook-input.ts. */
export interface WebhookInput {
  webhookName: string;
  eventTypes: string[];
  channels: WebhookChannel[];
  isActive: boolean;
}

/** A new webhook and its signing secret, which is shown this once. */
export interface CreatedWebhook {
  webhook: Webhook;
  signingSecret: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'canceled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event on its way to one channel of one webhook. */
export interface WebhookDelivery {
  deliveryId: string;
  eventId: string;
  webhookId: string;
  channelIndex: number;
  eventType: string;
  /** The event as delivered: {event_id, event_type, occurred_at, namespace_id, subject, metadata, cache_scope}. */
  payload: WebhookEventPayload;
  status: DeliveryStatus;
  /** Attempts made so far (a POST that got an answer or failed on the way). */
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  /** The receiver's status code of the last attempt; null when none answered. */
  responseStatus: number | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

export interface WebhookEventPayload {
  event_id: string;
  event_type: string;
  occurred_at: string;
  namespace_id: string | null;
  subject: { type: string; id: string };
  metadata: Record<string, unknown>;
  cache_scope: { scope: 'key' | 'collection' | 'namespace'; collection_id: string | null };
}

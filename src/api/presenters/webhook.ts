// Webhooks as Mixpeek shows them: snake_case configs, credential-like header values, Slack URLs and
// URL query strings masked, the
// signing secret only when one was just made. Never the organization's internal id.
import { isSensitiveHeader, MASKED_VALUE, maskedUrl } from '../../engine/webhooks/webhook-input.ts';
import type { Webhook, WebhookChannel, WebhookDelivery } from '../../engine/webhooks/types.ts';
import type { ListWebhooksResponseBody, WebhookDeliveriesResponseBody, WebhookOutputBody } from '../schemas/webhooks.ts';
import { toPagination } from './pagination.ts';

function toChannel(c: WebhookChannel): WebhookOutputBody['channels'][number] {
  if (c.channel === 'webhook') {
    const headers = Object.fromEntries(Object.entries(c.configs.headers).map(([name, value]) => [name, isSensitiveHeader(name) ? MASKED_VALUE : value]));
    return { channel: 'webhook', configs: { url: maskedUrl(c.configs.url, 'webhook'), headers, payload_template: c.configs.payloadTemplate, timeout: c.configs.timeoutSeconds } };
  }
  const s = c.configs;
  return {
    channel: 'slack',
    configs: { webhook_url: maskedUrl(s.webhookUrl, 'slack'), channel: s.channel, username: s.username, icon_emoji: s.iconEmoji, icon_url: s.iconUrl, blocks_template: s.blocksTemplate },
  };
}

export function toWebhook(w: Webhook, signingSecret?: string): WebhookOutputBody {
  return {
    webhook_id: w.webhookId,
    webhook_name: w.webhookName,
    event_types: w.eventTypes,
    channels: w.channels.map(toChannel),
    is_active: w.isActive,
    created_at: w.createdAt,
    updated_at: w.updatedAt,
    ...(signingSecret !== undefined ? { signing_secret: signingSecret } : {}),
  };
}

export function toWebhookList(page: { items: Webhook[]; total: number }, window: { limit: number; offset: number }): ListWebhooksResponseBody {
  return { results: page.items.map((w) => toWebhook(w)), pagination: toPagination(window, page.items.length, page.total), total: page.total };
}

export function toWebhookDeliveries(deliveries: WebhookDelivery[]): WebhookDeliveriesResponseBody {
  return {
    results: deliveries.map((d) => ({
      delivery_id: d.deliveryId,
      event_id: d.eventId,
      event_type: d.eventType,
      channel_index: d.channelIndex,
      status: d.status,
      attempts: d.attempts,
      next_attempt_at: d.nextAttemptAt,
      last_error: d.lastError,
      response_status: d.responseStatus,
      created_at: d.createdAt,
      updated_at: d.updatedAt,
      delivered_at: d.deliveredAt,
    })),
    total: deliveries.length,
  };
}

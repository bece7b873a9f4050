// A Webhook-Input body as the engine's RawWebhookInput (the engine checks channels and event types).
import type { RawWebhookInput } from '../../engine/webhooks/webhook-input.ts';
import type { WebhookInputBody } from '../schemas/webhooks.ts';

export function toRawWebhookInput(body: WebhookInputBody): RawWebhookInput {
  return {
    webhookName: body.webhook_name,
    eventTypes: body.event_types,
    channels: body.channels.map((c) => ({ channel: c.channel, configs: c.configs as Record<string, unknown> })),
    isActive: body.is_active ?? true,
  };
}

// Organization webhooks (SPEC §19), under Mixpeek's component names. Channel configs are checked by
// the engine (engine/webhooks/webhook-input.ts), which names the field it refuses.
import { Type, type Static } from '@sinclair/typebox';
import { WEBHOOK_EVENT_TYPES } from '../../engine/webhooks/event-types.ts';
import { MAX_CHANNELS, MAX_EVENT_TYPES, MAX_HEADERS, MAX_HEADER_VALUE_LENGTH, MAX_TIMEOUT_SECONDS, MAX_URL_LENGTH } from '../../engine/webhooks/webhook-input.ts';
import { BoundedFreeObject } from './bounds.ts';
import { Nullable } from './nullable.ts';
import { PaginationResponse } from './pagination.ts';

export const WebhookEventType = Type.Union(
  WEBHOOK_EVENT_TYPES.map((t) => Type.Literal(t)),
  {
    $id: 'WebhookEventType',
    title: 'WebhookEventType',
    description: "Mixpeek's event types, plus Tessera's batch.completed, task.completed and task.failed. A subscription may also be '*' (every event) or '<resource>.*' (e.g. 'collection.*').",
  },
);

const Subscription = Type.Union([Type.Ref(WebhookEventType), Type.String({ pattern: '^(\\*|[a-z_]{1,40}\\.\\*)$', maxLength: 43 })], {
  description: "An event type, '*' (all events) or '<resource>.*'.",
});

const OptionalText = (max: number, title: string, description?: string) => Type.Optional(Nullable(Type.String({ maxLength: max }), { title, ...(description ? { description } : {}) }));

export const WebhookConfig = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH, title: 'Url', description: 'http or https; private addresses are refused at delivery unless TESSERA_FETCH_ALLOW_CIDRS / _HOSTS allow them.' }),
    headers: Type.Optional(
      Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: MAX_HEADER_VALUE_LENGTH }), {
        maxProperties: MAX_HEADERS,
        title: 'Headers',
        description: "Custom headers sent with every delivery (e.g. X-Mixpeek-Secret). Values of credential-like headers (authorization, *secret*, *token*, *key*, …) are returned as '********'; sending '********' back on PUT keeps the stored value.",
      }),
    ),
    payload_template: Type.Optional(
      Nullable(BoundedFreeObject(), { title: 'Payload Template', description: "A JSON object whose strings may hold {{ name }} placeholders (event_id, event_type, occurred_at, namespace_id, subject.id, metadata.<field>, event): see docs/webhooks.md. Null: the event is the body." }),
    ),
    timeout: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_TIMEOUT_SECONDS, default: 10, title: 'Timeout', description: 'Request timeout in seconds.' })),
  },
  { $id: 'WebhookConfig', title: 'WebhookConfig', description: 'Configuration for webhook notifications.' },
);

export const SlackConfig = Type.Object(
  {
    webhook_url: Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH, title: 'Webhook Url', description: 'Slack incoming-webhook URL (stored encrypted).' }),
    channel: OptionalText(200, 'Channel'),
    username: OptionalText(200, 'Username'),
    icon_emoji: OptionalText(200, 'Icon Emoji'),
    icon_url: OptionalText(MAX_URL_LENGTH, 'Icon Url'),
    blocks_template: OptionalText(64 * 1024, 'Blocks Template', 'Rendered like payload templates; sent as `blocks` when it renders to a JSON array.'),
  },
  { $id: 'SlackConfig', title: 'SlackConfig', description: 'Configuration for Slack notifications.' },
);

export const EmailConfig = Type.Object(
  {
    to_addresses: Type.Array(Type.String({ maxLength: 320 }), { maxItems: 100, title: 'To Addresses' }),
    subject_template: OptionalText(1000, 'Subject Template'),
    body_template: OptionalText(64 * 1024, 'Body Template'),
    content_type: Type.Optional(Type.String({ maxLength: 20, default: 'html', title: 'Content Type' })),
    cc_addresses: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 100 })),
    bcc_addresses: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 100 })),
  },
  { $id: 'EmailConfig', title: 'EmailConfig', description: 'Email notifications: accepted by the schema, refused with 400 (this Tessera has no mail transport).' },
);

export const NotificationChannel = Type.Union([Type.Literal('email'), Type.Literal('slack'), Type.Literal('webhook')], {
  $id: 'NotificationChannel',
  title: 'NotificationChannel',
  description: 'Delivery channels; email is refused (400) by this Tessera.',
});

export const WebhookChannel = Type.Object(
  {
    channel: Type.Ref(NotificationChannel),
    configs: Type.Union([Type.Ref(EmailConfig), Type.Ref(SlackConfig), Type.Ref(WebhookConfig)], { title: 'Configs', description: 'Must match the channel.' }),
  },
  { $id: 'WebhookChannel', title: 'WebhookChannel', additionalProperties: false },
);

export const WebhookInput = Type.Object(
  {
    webhook_id: Type.Optional(Type.String({ maxLength: 64, title: 'Webhook Id', description: 'Ignored: ids are generated.' })),
    webhook_name: Type.String({ minLength: 1, maxLength: 200, title: 'Webhook Name', description: 'Unique in the organization; GET/PUT/DELETE address a webhook by id or name.' }),
    internal_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }), { description: 'Ignored.' })),
    event_types: Type.Array(Subscription, { minItems: 1, maxItems: MAX_EVENT_TYPES, title: 'Event Types' }),
    channels: Type.Array(Type.Ref(WebhookChannel), { minItems: 1, maxItems: MAX_CHANNELS, title: 'Channels' }),
    is_active: Type.Optional(Type.Boolean({ default: true, title: 'Is Active' })),
    created_at: Type.Optional(Type.String({ maxLength: 64, description: 'Ignored.' })),
    updated_at: Type.Optional(Type.String({ maxLength: 64, description: 'Ignored.' })),
  },
  { $id: 'Webhook-Input', title: 'Webhook', additionalProperties: false, description: 'Configured webhook subscription for organization event notifications.' },
);
export type WebhookInputBody = Static<typeof WebhookInput>;

export const WebhookOutput = Type.Object(
  {
    webhook_id: Type.String({ title: 'Webhook Id' }),
    webhook_name: Type.String({ title: 'Webhook Name' }),
    event_types: Type.Array(Type.String(), { title: 'Event Types' }),
    channels: Type.Array(Type.Ref(WebhookChannel), { title: 'Channels' }),
    is_active: Type.Boolean({ title: 'Is Active' }),
    created_at: Type.String({ format: 'date-time', title: 'Created At' }),
    updated_at: Type.String({ format: 'date-time', title: 'Updated At' }),
    signing_secret: Type.Optional(
      Type.String({ title: 'Signing Secret', description: 'Tessera: returned once, at creation (and by rotate-secret). X-Mixpeek-Signature is v1=HMAC-SHA256(signing_secret, "<timestamp>.<body>").' }),
    ),
  },
  { $id: 'Webhook-Output', title: 'Webhook' },
);
export type WebhookOutputBody = Static<typeof WebhookOutput>;

export const ListWebhooksRequest = Type.Object(
  {
    event_type: Type.Optional(Nullable(Type.String({ maxLength: 100 }), { title: 'Event Type', description: 'Webhooks that receive this event type.' })),
    is_active: Type.Optional(Nullable(Type.Boolean(), { title: 'Is Active' })),
  },
  { $id: 'ListWebhooksRequest', title: 'ListWebhooksRequest', additionalProperties: false },
);

export const ListWebhooksResponse = Type.Object(
  {
    results: Type.Array(Type.Ref(WebhookOutput), { title: 'Results' }),
    pagination: Type.Ref(PaginationResponse),
    total: Type.Integer({ title: 'Total' }),
  },
  { $id: 'ListWebhooksResponse', title: 'ListWebhooksResponse' },
);
export type ListWebhooksResponseBody = Static<typeof ListWebhooksResponse>;

export const WebhookDeliveryRecord = Type.Object(
  {
    delivery_id: Type.String(),
    event_id: Type.String(),
    event_type: Type.String(),
    channel_index: Type.Integer(),
    status: Type.String({ description: 'pending, delivered, failed or canceled (the webhook was inactive when its turn came).' }),
    attempts: Type.Integer(),
    next_attempt_at: Nullable(Type.String({ format: 'date-time' })),
    last_error: Nullable(Type.String()),
    response_status: Nullable(Type.Integer()),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    delivered_at: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'WebhookDeliveryRecord', title: 'WebhookDeliveryRecord', description: 'Tessera: one event on its way to one channel.' },
);

export const WebhookDeliveriesResponse = Type.Object(
  { results: Type.Array(Type.Ref(WebhookDeliveryRecord)), total: Type.Integer() },
  { $id: 'WebhookDeliveriesResponse', title: 'WebhookDeliveriesResponse' },
);
export type WebhookDeliveriesResponseBody = Static<typeof WebhookDeliveriesResponse>;

export const WebhookIdentifierParams = Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 200, title: 'Identifier', description: 'webhook_id or webhook_name' }) });

export const WEBHOOK_SCHEMAS = [
  WebhookEventType,
  WebhookConfig,
  SlackConfig,
  EmailConfig,
  NotificationChannel,
  WebhookChannel,
  WebhookInput,
  WebhookOutput,
  ListWebhooksRequest,
  ListWebhooksResponse,
  WebhookDeliveryRecord,
  WebhookDeliveriesResponse,
];

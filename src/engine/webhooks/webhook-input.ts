// Checks what a create or a PUT asks for and turns it into a WebhookInput: event types known,
// channels of a supported kind with configs of their kind, URLs http(s) without credentials, headers
// that are valid and do not collide with the signature headers. Every refusal is a 400 naming the field.
import { BadRequestError } from '../errors.ts';
import { isKnownSubscription } from './event-types.ts';
import type { HttpChannelConfig, SlackChannelConfig, WebhookChannel, WebhookInput } from './types.ts';

/** One organization's webhooks at most (lists and event fan-out read them all). */
export const MAX_WEBHOOKS_PER_ORGANIZATION = 100;
export const MAX_CHANNELS = 10;
export const MAX_EVENT_TYPES = 64;
export const MAX_HEADERS = 50;
export const MAX_HEADER_VALUE_LENGTH = 4096;
export const MAX_URL_LENGTH = 2083;
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const MAX_TIMEOUT_SECONDS = 60;
/** What a masked header value reads as in responses; sent back on PUT, it keeps the stored value. */
export const MASKED_VALUE = '********';

/** Headers Tessera sets itself on every delivery; a channel may not set them. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'connection',
  'transfer-encoding',
  'x-mixpeek-event',
  'x-mixpeek-event-id',
  'x-mixpeek-delivery-id',
  'x-mixpeek-timestamp',
  'x-mixpeek-signature',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/** Header names whose values are credentials: never shown in responses. */
const SENSITIVE_HEADER = /authorization|secret|token|key|signature|cookie|password|passwd|credential|auth/i;

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/**
 * A URL as responses show it. A Slack incoming-webhook URL is a credential in its path; any URL's
 * query may hold a token. Both read as MASKED_VALUE; sent back unchanged on PUT, the stored URL stays
 * (see keepMaskedSecrets).
 */
export function maskedUrl(url: string, kind: 'slack' | 'webhook'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return MASKED_VALUE;
  }
  if (kind === 'slack') return `${parsed.origin}/${MASKED_VALUE}`;
  return parsed.search ? `${parsed.origin}${parsed.pathname}?${MASKED_VALUE}` : url;
}

export interface RawChannel {
  channel: string;
  configs: Record<string, unknown>;
}

export interface RawWebhookInput {
  webhookName: string;
  eventTypes: readonly string[];
  channels: readonly RawChannel[];
  isActive: boolean;
}

export function parseWebhookInput(raw: RawWebhookInput): WebhookInput {
  const webhookName = raw.webhookName.trim();
  if (webhookName.length === 0 || webhookName.length > 200) throw new BadRequestError('webhook_name must hold 1-200 characters', { field: 'webhook_name' });
  if (raw.eventTypes.length === 0 || raw.eventTypes.length > MAX_EVENT_TYPES) {
    throw new BadRequestError(`event_types must hold 1-${MAX_EVENT_TYPES} event types`, { field: 'event_types' });
  }
  const unknown = raw.eventTypes.filter((e) => !isKnownSubscription(e));
  if (unknown.length > 0) {
    throw new BadRequestError(`Unknown event type${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (an event type, '*', or '<resource>.*')`, { field: 'event_types', unknown });
  }
  if (raw.channels.length === 0 || raw.channels.length > MAX_CHANNELS) throw new BadRequestError(`channels must hold 1-${MAX_CHANNELS} channels`, { field: 'channels' });
  const channels = raw.channels.map((c, i) => parseChannel(c, `channels[${i}]`));
  return { webhookName, eventTypes: [...new Set(raw.eventTypes)], channels, isActive: raw.isActive };
}

function parseChannel(raw: RawChannel, field: string): WebhookChannel {
  const configs = raw.configs;
  if (raw.channel === 'email') {
    throw new BadRequestError('email channels are not supported by this Tessera (no mail transport): use a webhook or slack channel', { field: `${field}.channel` });
  }
  if (raw.channel === 'webhook') return { channel: 'webhook', configs: parseHttpConfig(configs, `${field}.configs`) };
  if (raw.channel === 'slack') return { channel: 'slack', configs: parseSlackConfig(configs, `${field}.configs`) };
  throw new BadRequestError(`${field}.channel must be webhook, slack or email`, { field: `${field}.channel` });
}

function parseHttpConfig(c: Record<string, unknown>, field: string): HttpChannelConfig {
  const url = checkUrl(c.url, `${field}.url`);
  const headers: Record<string, string> = {};
  if (c.headers !== undefined && c.headers !== null) {
    if (typeof c.headers !== 'object' || Array.isArray(c.headers)) throw new BadRequestError(`${field}.headers must be an object of strings`, { field: `${field}.headers` });
    const entries = Object.entries(c.headers as Record<string, unknown>);
    if (entries.length > MAX_HEADERS) throw new BadRequestError(`${field}.headers holds at most ${MAX_HEADERS} headers`, { field: `${field}.headers` });
    const seen = new Set<string>();
    for (const [name, value] of entries) {
      const at = `${field}.headers.${name}`;
      if (!HEADER_NAME.test(name)) throw new BadRequestError(`${at}: not a valid header name`, { field: at });
      const lower = name.toLowerCase();
      if (RESERVED_HEADERS.has(lower)) throw new BadRequestError(`${at}: Tessera sets this header itself`, { field: at });
      if (seen.has(lower)) throw new BadRequestError(`${at}: given twice`, { field: at });
      seen.add(lower);
      if (typeof value !== 'string' || value.length > MAX_HEADER_VALUE_LENGTH || /[\r\n\0]/.test(value)) {
        throw new BadRequestError(`${at} must be a string of at most ${MAX_HEADER_VALUE_LENGTH} characters without line breaks`, { field: at });
      }
      headers[name] = value;
    }
  }
  let payloadTemplate: Record<string, unknown> | null = null;
  if (c.payload_template !== undefined && c.payload_template !== null) {
    if (typeof c.payload_template !== 'object' || Array.isArray(c.payload_template)) {
      throw new BadRequestError(`${field}.payload_template must be a JSON object`, { field: `${field}.payload_template` });
    }
    payloadTemplate = c.payload_template as Record<string, unknown>;
  }
  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (c.timeout !== undefined && c.timeout !== null) {
    if (typeof c.timeout !== 'number' || !Number.isFinite(c.timeout) || c.timeout <= 0 || c.timeout > MAX_TIMEOUT_SECONDS) {
      throw new BadRequestError(`${field}.timeout must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}`, { field: `${field}.timeout` });
    }
    timeoutSeconds = c.timeout;
  }
  return { url, headers, payloadTemplate, timeoutSeconds };
}

function parseSlackConfig(c: Record<string, unknown>, field: string): SlackChannelConfig {
  const optional = (name: string, max: number): string | null => {
    const v = c[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || v.length > max) throw new BadRequestError(`${field}.${name} must be a string of at most ${max} characters`, { field: `${field}.${name}` });
    return v;
  };
  return {
    webhookUrl: checkUrl(c.webhook_url, `${field}.webhook_url`),
    channel: optional('channel', 200),
    username: optional('username', 200),
    iconEmoji: optional('icon_emoji', 200),
    iconUrl: optional('icon_url', MAX_URL_LENGTH),
    blocksTemplate: optional('blocks_template', 64 * 1024),
  };
}

/** http(s), absolute, no credentials, bounded. Addresses are checked at delivery, each time (DNS changes). */
function checkUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new BadRequestError(`${field} is required`, { field });
  if (value.length > MAX_URL_LENGTH) throw new BadRequestError(`${field} is longer than ${MAX_URL_LENGTH} characters`, { field });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadRequestError(`${field} is not a valid absolute URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadRequestError(`${field} must be an http or https URL`, { field });
  if (url.username || url.password) throw new BadRequestError(`${field} must not carry credentials (use headers)`, { field });
  if (!url.hostname) throw new BadRequestError(`${field} has no host`, { field });
  return value;
}

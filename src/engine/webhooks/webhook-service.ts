// Organization webhooks (SPEC §19): create, read, replace (PUT), list, delete, rotate the signing
// secret, and read an endpoint's recent deliveries. Organization-level: no namespace, the caller's
// organization only (another organization's webhook is a 404, whichever way it is named).
import { randomBytes } from 'node:crypto';
import { AlreadyExistsError, NotFoundError, QuotaExceededError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import { UniqueViolation, type MetadataStore } from '../ports/metadata-store.ts';
import type { RequestScope, TenantScope } from '../scope/request-scope.ts';
import { subscriptionMatches } from './event-types.ts';
import { MASKED_VALUE, MAX_WEBHOOKS_PER_ORGANIZATION, maskedUrl, parseWebhookInput, type RawWebhookInput } from './webhook-input.ts';
import type { StoredWebhook } from './webhook-repositories.ts';
import { newSigningSecret, type WebhookSealing } from './webhook-sealing.ts';
import type { CreatedWebhook, Webhook, WebhookChannel, WebhookDelivery } from './types.ts';

export interface WebhookListFilter {
  eventType?: string;
  isActive?: boolean;
}

export interface WebhookPage {
  items: Webhook[];
  total: number;
}

/** wh_ + 16 hex digits (Mixpeek's pattern). */
export function newWebhookId(): string {
  return `wh_${randomBytes(8).toString('hex')}`;
}

export class WebhookService {
  constructor(
    private readonly store: MetadataStore,
    private readonly sealing: WebhookSealing,
    private readonly clock: Clock,
  ) {}

  async create(scope: RequestScope, raw: RawWebhookInput): Promise<CreatedWebhook> {
    const input = parseWebhookInput(raw);
    const org = scope.organization.internalId;
    const webhookId = newWebhookId();
    const signingSecret = newSigningSecret();
    const channels = await this.sealing.sealChannels(org, webhookId, input.channels);
    const sealedSigningSecret = await this.sealing.sealSecret(org, webhookId, signingSecret);
    const now = this.clock.now().toISOString();
    const stored: StoredWebhook = { webhookId, organizationInternalId: org, webhookName: input.webhookName, eventTypes: input.eventTypes, channels, isActive: input.isActive, sealedSigningSecret, createdAt: now, updatedAt: now };
    await this.#named(input.webhookName, () =>
      this.store.transaction(async (repos) => {
        await repos.organizations.lock(org);
        const count = await repos.webhooks.countInOrganization(scope);
        if (count >= MAX_WEBHOOKS_PER_ORGANIZATION) throw new QuotaExceededError('webhooks', count, MAX_WEBHOOKS_PER_ORGANIZATION, scope.organization.accountType);
        await repos.webhooks.insert(stored);
      }),
    );
    return { webhook: await this.sealing.open(stored), signingSecret };
  }

  async get(scope: RequestScope, identifier: string): Promise<Webhook> {
    return this.sealing.open(await this.#require(scope, identifier));
  }

  async list(scope: RequestScope, filter: WebhookListFilter, window: { limit: number; offset: number }): Promise<WebhookPage> {
    const rows = await this.store.webhooks.listAll(scope, filter.isActive === undefined ? {} : { isActive: filter.isActive });
    const matching = filter.eventType === undefined ? rows : rows.filter((w) => subscriptionMatches(w.eventTypes, filter.eventType!));
    const items = await Promise.all(matching.slice(window.offset, window.offset + window.limit).map((w) => this.sealing.open(w)));
    return { items, total: matching.length };
  }

  /** PUT: the whole webhook is replaced. A header value given as the mask keeps the stored value. */
  async update(scope: RequestScope, identifier: string, raw: RawWebhookInput): Promise<Webhook> {
    const input = parseWebhookInput(raw);
    const current = await this.get(scope, identifier);
    const channels = input.channels.map((c, i) => keepMaskedSecrets(c, current.channels[i]));
    const sealed = await this.sealing.sealChannels(current.organizationInternalId, current.webhookId, channels);
    const updatedAt = this.clock.now().toISOString();
    const done = await this.#named(input.webhookName, () =>
      this.store.transaction((repos) => repos.webhooks.update(scope, current.webhookId, { webhookName: input.webhookName, eventTypes: input.eventTypes, channels: sealed, isActive: input.isActive, updatedAt })),
    );
    if (!done) throw new NotFoundError('webhook', identifier);
    return { ...current, webhookName: input.webhookName, eventTypes: input.eventTypes, channels, isActive: input.isActive, updatedAt };
  }

  /** Idempotent: deleting a webhook that is not there (any more) changes nothing. Pending deliveries go with it. */
  async delete(scope: RequestScope, identifier: string): Promise<void> {
    const current = await this.store.webhooks.find(scope, identifier);
    if (!current) return;
    await this.store.transaction((repos) => repos.webhooks.delete(scope, current.webhookId));
  }

  /** A new signing secret, shown this once; deliveries signed from now on use it. */
  async rotateSecret(scope: RequestScope, identifier: string): Promise<CreatedWebhook> {
    const current = await this.#require(scope, identifier);
    const signingSecret = newSigningSecret();
    const sealed = await this.sealing.sealSecret(current.organizationInternalId, current.webhookId, signingSecret);
    const updatedAt = this.clock.now().toISOString();
    if (!(await this.store.webhooks.setSigningSecret(scope, current.webhookId, sealed, updatedAt))) throw new NotFoundError('webhook', identifier);
    return { webhook: await this.sealing.open({ ...current, updatedAt }), signingSecret };
  }

  /** The webhook's latest deliveries (at most `limit`), newest first. */
  async deliveries(scope: RequestScope, identifier: string, limit: number): Promise<WebhookDelivery[]> {
    const current = await this.#require(scope, identifier);
    return this.store.webhookDeliveries.listForWebhook(scope, current.webhookId, limit);
  }

  async #require(tenant: TenantScope, identifier: string): Promise<StoredWebhook> {
    const found = await this.store.webhooks.find(tenant, identifier);
    if (!found) throw new NotFoundError('webhook', identifier);
    return found;
  }

  async #named<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (err instanceof UniqueViolation) throw new AlreadyExistsError('webhook', 'webhook_name', name, 'webhook_exists');
      throw err;
    }
  }
}

/** What a PUT sends back masked (header values, Slack URLs, URL queries) keeps its stored value. */
function keepMaskedSecrets(next: WebhookChannel, previous: WebhookChannel | undefined): WebhookChannel {
  if (next.channel === 'slack') {
    const kept = previous?.channel === 'slack' && next.configs.webhookUrl === maskedUrl(previous.configs.webhookUrl, 'slack');
    return kept ? { channel: 'slack', configs: { ...next.configs, webhookUrl: previous.configs.webhookUrl } } : next;
  }
  const before = previous?.channel === 'webhook' ? previous.configs.headers : {};
  const headers = Object.fromEntries(
    Object.entries(next.configs.headers).map(([name, value]) => {
      if (value !== MASKED_VALUE) return [name, value];
      const kept = Object.entries(before).find(([n]) => n.toLowerCase() === name.toLowerCase());
      return [name, kept ? kept[1] : value];
    }),
  );
  const keepUrl = previous?.channel === 'webhook' && next.configs.url !== previous.configs.url && next.configs.url === maskedUrl(previous.configs.url, 'webhook');
  return { channel: 'webhook', configs: { ...next.configs, headers, ...(keepUrl ? { url: previous.configs.url } : {}) } };
}

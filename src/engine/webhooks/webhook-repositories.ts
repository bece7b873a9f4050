// The webhooks module's storage port. Channel configs and the signing secret reach the repository
// sealed (SecretCipher): URLs of Slack hooks and header values are credentials. Every query filters
// by the tenant's organization; webhooks are organization-level (no namespace).
import type { TenantScope } from '../scope/request-scope.ts';
import type { DeliveryStatus, WebhookChannelKind, WebhookDelivery, WebhookEventPayload } from './types.ts';

export interface StoredChannel {
  channel: WebhookChannelKind;
  /** SecretCipher.seal of the configs' JSON. */
  sealedConfigs: string;
}

export interface StoredWebhook {
  webhookId: string;
  organizationInternalId: string;
  webhookName: string;
  eventTypes: string[];
  channels: StoredChannel[];
  isActive: boolean;
  sealedSigningSecret: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookChanges {
  webhookName: string;
  eventTypes: string[];
  channels: StoredChannel[];
  isActive: boolean;
  updatedAt: string;
}

export interface WebhookRepository {
  /** Throws UniqueViolation when the organization has a webhook of that name. */
  insert(webhook: StoredWebhook): Promise<void>;
  /** By webhook_id or, failing that, by webhook_name. */
  find(tenant: TenantScope, identifier: string): Promise<StoredWebhook | undefined>;
  /** Every webhook of the organization (at most MAX_WEBHOOKS_PER_ORGANIZATION), newest first. */
  listAll(tenant: TenantScope, filter: { isActive?: boolean }): Promise<StoredWebhook[]>;
  countInOrganization(tenant: TenantScope): Promise<number>;
  /** Throws UniqueViolation on a name taken by another webhook; false when there is no such webhook. */
  update(tenant: TenantScope, webhookId: string, changes: WebhookChanges): Promise<boolean>;
  setSigningSecret(tenant: TenantScope, webhookId: string, sealedSigningSecret: string, updatedAt: string): Promise<boolean>;
  /** Also deletes its deliveries; false when there was none. */
  delete(tenant: TenantScope, webhookId: string): Promise<boolean>;
}

export interface NewDelivery {
  deliveryId: string;
  eventId: string;
  organizationInternalId: string;
  webhookId: string;
  channelIndex: number;
  eventType: string;
  payload: WebhookEventPayload;
  createdAt: string;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  responseStatus: number | null;
  deliveredAt: string | null;
  updatedAt: string;
}

export interface WebhookDeliveryRepository {
  insertMany(deliveries: readonly NewDelivery[]): Promise<void>;
  find(tenant: TenantScope, deliveryId: string): Promise<WebhookDelivery | undefined>;
  /** Writes an attempt's outcome; false when the delivery is gone (its webhook was deleted). */
  record(tenant: TenantScope, deliveryId: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** Newest first. */
  listForWebhook(tenant: TenantScope, webhookId: string, limit: number): Promise<WebhookDelivery[]>;
}

export interface WebhookRepositories {
  webhooks: WebhookRepository;
  webhookDeliveries: WebhookDeliveryRepository;
}

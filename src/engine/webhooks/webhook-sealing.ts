// Channel configs and signing secrets are sealed with the organization secrets cipher before they
// are stored, bound to the organization and the webhook (a sealed value copied elsewhere does not open).
import { randomBytes } from 'node:crypto';
import { SecretsKeyMismatchError } from '../errors.ts';
import { SecretDecryptionError, type SecretCipher } from '../ports/secret-cipher.ts';
import type { StoredChannel, StoredWebhook } from './webhook-repositories.ts';
import type { HttpChannelConfig, SlackChannelConfig, Webhook, WebhookChannel } from './types.ts';

/** `whsec_` and 32 random bytes as hex; the HMAC key is this whole string (UTF-8). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

const channelContext = (organizationInternalId: string, webhookId: string, index: number) => ({ organizationInternalId, secretName: `webhook:${webhookId}:channel:${index}` });
const secretContext = (organizationInternalId: string, webhookId: string) => ({ organizationInternalId, secretName: `webhook:${webhookId}:signing_secret` });

export class WebhookSealing {
  constructor(
    private readonly cipher: SecretCipher,
    private readonly onKeyMismatch: (what: { organization_internal_id: string; secret_name: string; key_source: string }) => void = () => {},
  ) {}

  sealChannels(organizationInternalId: string, webhookId: string, channels: readonly WebhookChannel[]): Promise<StoredChannel[]> {
    return Promise.all(
      channels.map(async (c, i) => ({ channel: c.channel, sealedConfigs: await this.cipher.seal(JSON.stringify(c.configs), channelContext(organizationInternalId, webhookId, i)) })),
    );
  }

  sealSecret(organizationInternalId: string, webhookId: string, secret: string): Promise<string> {
    return this.cipher.seal(secret, secretContext(organizationInternalId, webhookId));
  }

  async open(stored: StoredWebhook): Promise<Webhook> {
    const channels = await Promise.all(
      stored.channels.map(async (c, i): Promise<WebhookChannel> => {
        const context = channelContext(stored.organizationInternalId, stored.webhookId, i);
        const configs = JSON.parse(await this.#open(c.sealedConfigs, context)) as HttpChannelConfig & SlackChannelConfig;
        return c.channel === 'slack' ? { channel: 'slack', configs } : { channel: 'webhook', configs };
      }),
    );
    return {
      webhookId: stored.webhookId,
      organizationInternalId: stored.organizationInternalId,
      webhookName: stored.webhookName,
      eventTypes: stored.eventTypes,
      channels,
      isActive: stored.isActive,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
    };
  }

  openSecret(stored: StoredWebhook): Promise<string> {
    return this.#open(stored.sealedSigningSecret, secretContext(stored.organizationInternalId, stored.webhookId));
  }

  async #open(sealed: string, context: { organizationInternalId: string; secretName: string }): Promise<string> {
    try {
      return await this.cipher.open(sealed, context);
    } catch (err) {
      if (!(err instanceof SecretDecryptionError)) throw err;
      this.onKeyMismatch({ organization_internal_id: context.organizationInternalId, secret_name: context.secretName, key_source: this.cipher.keySource });
      throw new SecretsKeyMismatchError(context.secretName);
    }
  }
}

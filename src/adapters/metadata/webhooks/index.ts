// The webhooks module's repositories over Kysely, registered in ../repository-factories.ts.
import type { WebhookRepositories } from '../../../engine/webhooks/webhook-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyWebhookDeliveryRepository } from './delivery-repository.ts';
import { KyselyWebhookRepository } from './webhook-repository.ts';

export const webhookRepositories = {
  webhooks: (db) => new KyselyWebhookRepository(db),
  webhookDeliveries: (db) => new KyselyWebhookDeliveryRepository(db),
} satisfies RepositoryFactories<WebhookRepositories>;

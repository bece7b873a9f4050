import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import createWebhook from './create-webhook.ts';
import deleteWebhook from './delete-webhook.ts';
import getWebhook from './get-webhook.ts';
import listWebhookDeliveries from './list-webhook-deliveries.ts';
import listWebhooks from './list-webhooks.ts';
import rotateWebhookSecret from './rotate-webhook-secret.ts';
import updateWebhook from './update-webhook.ts';

export const webhookOperations = [createWebhook, listWebhooks, getWebhook, updateWebhook, deleteWebhook, rotateWebhookSecret, listWebhookDeliveries];

/** /v1/organizations/webhooks: the calling key's organization's webhooks, by id or name. */
const webhooks: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, webhookOperations);
};

export default webhooks;

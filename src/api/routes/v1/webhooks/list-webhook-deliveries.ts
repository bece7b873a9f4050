import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toWebhookDeliveries } from '../../../presenters/webhook.ts';
import { QueryObject } from '../../../schemas/query.ts';
import { WebhookDeliveriesResponse, WebhookIdentifierParams } from '../../../schemas/webhooks.ts';
import { WEBHOOK_READ } from './policies.ts';

export default defineOperation({
  operationId: 'list_webhook_deliveries_v1_organizations_webhooks__identifier__deliveries_get',
  method: 'GET',
  url: '/:identifier/deliveries',
  policy: WEBHOOK_READ,
  schema: {
    tags: ['Organization Webhooks'],
    summary: 'List Webhook Deliveries',
    description: "Tessera: the webhook's latest deliveries, newest first: status (pending, delivered, failed, canceled), attempts, next attempt, the receiver's last status and error.",
    params: WebhookIdentifierParams,
    querystring: QueryObject({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, title: 'Limit' }) }),
    response: { 200: Type.Ref(WebhookDeliveriesResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toWebhookDeliveries(await request.server.services.webhooks.deliveries(scope, request.params.identifier, request.query.limit)),
});

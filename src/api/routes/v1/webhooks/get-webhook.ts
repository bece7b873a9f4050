import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toWebhook } from '../../../presenters/webhook.ts';
import { WebhookIdentifierParams, WebhookOutput } from '../../../schemas/webhooks.ts';
import { WEBHOOK_READ } from './policies.ts';

export default defineOperation({
  operationId: 'get_webhook_v1_organizations_webhooks__identifier__get',
  method: 'GET',
  url: '/:identifier',
  policy: WEBHOOK_READ,
  schema: {
    tags: ['Organization Webhooks'],
    summary: 'Get Webhook',
    description: 'A webhook by id or name. Credential-like header values are masked; the signing secret is never shown again.',
    params: WebhookIdentifierParams,
    response: { 200: Type.Ref(WebhookOutput, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toWebhook(await request.server.services.webhooks.get(scope, request.params.identifier)),
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toWebhook } from '../../../presenters/webhook.ts';
import { toRawWebhookInput } from '../../../requests/webhook-input.ts';
import { WebhookIdentifierParams, WebhookInput, WebhookOutput } from '../../../schemas/webhooks.ts';
import { WEBHOOK_ADMIN } from './policies.ts';

export default defineOperation({
  operationId: 'update_webhook_v1_organizations_webhooks__identifier__put',
  method: 'PUT',
  url: '/:identifier',
  policy: WEBHOOK_ADMIN,
  schema: {
    tags: ['Organization Webhooks'],
    summary: 'Update Webhook',
    description: "Replaces the whole webhook (admin): name, event types, channels, is_active. A header value sent as '********' keeps the stored one. Deliveries already queued follow the new configuration; an inactive webhook's are canceled.",
    params: WebhookIdentifierParams,
    body: Type.Ref(WebhookInput),
    response: { 200: Type.Ref(WebhookOutput, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope) => toWebhook(await request.server.services.webhooks.update(scope, request.params.identifier, toRawWebhookInput(request.body))),
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { errorResponse } from '../../../errors/declared-responses.ts';
import { toWebhook } from '../../../presenters/webhook.ts';
import { toRawWebhookInput } from '../../../requests/webhook-input.ts';
import { WebhookInput, WebhookOutput } from '../../../schemas/webhooks.ts';
import { WEBHOOK_ADMIN } from './policies.ts';

export default defineOperation({
  operationId: 'create_webhook_v1_organizations_webhooks__post',
  method: 'POST',
  url: '/',
  policy: WEBHOOK_ADMIN,
  schema: {
    tags: ['Organization Webhooks'],
    summary: 'Create Webhook',
    description:
      'Subscribe webhook or slack channels to events (admin). The answer carries signing_secret, shown only this once: every delivery is signed with it (X-Mixpeek-Signature, docs/webhooks.md). Email channels are refused (400); 409 if the name is taken.',
    body: Type.Ref(WebhookInput),
    response: { 201: Type.Ref(WebhookOutput, { description: 'Successful Response' }), 409: errorResponse(409) },
  },
  handler: async (request, scope, reply) => {
    const { webhook, signingSecret } = await request.server.services.webhooks.create(scope, toRawWebhookInput(request.body));
    return reply.code(201).send(toWebhook(webhook, signingSecret));
  },
});

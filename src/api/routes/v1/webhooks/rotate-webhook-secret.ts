import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toWebhook } from '../../../presenters/webhook.ts';
import { WebhookIdentifierParams, WebhookOutput } from '../../../schemas/webhooks.ts';
import { WEBHOOK_ADMIN } from './policies.ts';

export default defineOperation({
  operationId: 'rotate_webhook_secret_v1_organizations_webhooks__identifier__rotate_secret_post',
  method: 'POST',
  url: '/:identifier/rotate-secret',
  policy: WEBHOOK_ADMIN,
  schema: {
    tags: ['Organization Webhooks'],
    summary: 'Rotate Webhook Signing Secret',
    description: 'Tessera: a new signing_secret (shown this once) replaces the old one at once; attempts made from now on are signed with it.',
    params: WebhookIdentifierParams,
    response: { 200: Type.Ref(WebhookOutput, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { webhook, signingSecret } = await request.server.services.webhooks.rotateSecret(scope, request.params.identifier);
    return toWebhook(webhook, signingSecret);
  },
});

import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { WebhookIdentifierParams } from '../../../schemas/webhooks.ts';
import { WEBHOOK_ADMIN } from './policies.ts';

export default defineOperation({
  operationId: 'delete_webhook_v1_organizations_webhooks__identifier__delete',
  method: 'DELETE',
  url: '/:identifier',
  policy: WEBHOOK_ADMIN,
  schema: {
    tags: ['Organization Webhooks'],
    summary: 'Delete Webhook',
    description: 'Deletes the webhook and its pending deliveries (admin). 204, no body; idempotent: a webhook that is not there answers 204 too.',
    params: WebhookIdentifierParams,
    response: { 204: Type.Null({ description: 'Deleted' }) },
  },
  handler: async (request, scope, reply) => {
    await request.server.services.webhooks.delete(scope, request.params.identifier);
    return reply.code(204).send(null);
  },
});

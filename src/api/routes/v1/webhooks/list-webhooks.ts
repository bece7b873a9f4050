import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { toWebhookList } from '../../../presenters/webhook.ts';
import { ListPagingQuery } from '../../../schemas/pagination.ts';
import { ListWebhooksRequest, ListWebhooksResponse } from '../../../schemas/webhooks.ts';
import { WEBHOOK_READ } from './policies.ts';

export default defineOperation({
  operationId: 'list_webhooks_v1_organizations_webhooks_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: WEBHOOK_READ,
  schema: {
    tags: ['Organization Webhooks'],
    summary: 'List Webhooks',
    description: "The organization's webhooks, newest first; event_type keeps those that receive it ('*' and 'resource.*' subscriptions included), is_active filters by state. Paging in the query string; total is always given.",
    querystring: ListPagingQuery,
    body: Type.Optional(Type.Ref(ListWebhooksRequest)),
    response: { 200: Type.Ref(ListWebhooksResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const body = request.body ?? {};
    const { limit, offset } = request.query;
    const page = await request.server.services.webhooks.list(
      scope,
      { ...(body.event_type != null ? { eventType: body.event_type } : {}), ...(body.is_active != null ? { isActive: body.is_active } : {}) },
      { limit, offset },
    );
    return toWebhookList(page, { limit, offset });
  },
});

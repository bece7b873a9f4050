import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toAutoBillingToggle } from '../../../presenters/billing.ts';
import { AutoBillingToggleResponse } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'disable_auto_billing_v1_organizations_billing_disable_auto_billing_post',
  method: 'POST',
  url: '/disable-auto-billing',
  policy: metadata('admin'),
  schema: {
    tags: ['Organization Billing'],
    summary: 'Disable Auto Billing',
    description: 'Refuse (402) requests the balance cannot cover.',
    response: { 200: Type.Ref(AutoBillingToggleResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toAutoBillingToggle(await request.server.services.usage.setAutoBilling(scope, false)),
});

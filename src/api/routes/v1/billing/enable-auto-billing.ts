import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toAutoBillingToggle } from '../../../presenters/billing.ts';
import { AutoBillingToggleResponse } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'enable_auto_billing_v1_organizations_billing_enable_auto_billing_post',
  method: 'POST',
  url: '/enable-auto-billing',
  policy: metadata('admin'),
  schema: {
    tags: ['Organization Billing'],
    summary: 'Enable Auto Billing',
    description:
      'Let requests overdraw the balance; overdrafts are recorded in the credit ledger. Tessera has no payment provider: nothing is charged to a card.',
    response: { 200: Type.Ref(AutoBillingToggleResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toAutoBillingToggle(await request.server.services.usage.setAutoBilling(scope, true)),
});

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestScope } from '../../../plugins/authentication.ts';
import { AutoBillingToggleResponse } from '../../../schemas/billing.ts';

/** Enable and disable are one concern: the organization's auto-billing flag. */
const autoBilling: FastifyPluginAsyncTypebox = async (app) => {
  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    app.post(
      `/${verb}-auto-billing`,
      {
        schema: {
          operationId: `${verb}_auto_billing_v1_organizations_billing_${verb}_auto_billing_post`,
          tags: ['Organization Billing'],
          summary: `${enabled ? 'Enable' : 'Disable'} Auto Billing`,
          description: enabled
            ? 'Let requests overdraw the balance; overdrafts are recorded in the credit ledger. Tessera has no payment provider: nothing is charged to a card.'
            : 'Refuse (402) requests the balance cannot cover.',
          response: { 200: Type.Ref(AutoBillingToggleResponse, { description: 'Successful Response' }) },
        },
      },
      async (request) => app.services.usage.setAutoBilling(requestScope(request), enabled),
    );
  }
};

export default autoBilling;

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { SpendingCaps } from '../../../../engine/accounts/types.ts';
import { requestScope } from '../../../plugins/authentication.ts';
import { SpendingCapsResponse, UpdateSpendingCapsRequest, type UpdateSpendingCapsRequestBody } from '../../../schemas/billing.ts';

/** Reading and changing the caps are one concern: the organization's spending caps. */
const spendingCaps: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/spending-caps',
    {
      schema: {
        operationId: 'get_spending_caps_v1_organizations_billing_spending_caps_get',
        tags: ['Organization Billing'],
        summary: 'Get Spending Caps',
        response: { 200: Type.Ref(SpendingCapsResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => app.services.usage.spendingCaps(requestScope(request)),
  );

  app.post(
    '/spending-caps',
    {
      schema: {
        operationId: 'update_spending_caps_v1_organizations_billing_spending_caps_post',
        tags: ['Organization Billing'],
        summary: 'Update Spending Caps',
        description: 'Amounts in USD cents (1 credit = 0.1 cent). The soft budget only reports; an enabled hard cap refuses (402) spending past it.',
        body: Type.Ref(UpdateSpendingCapsRequest),
        response: { 200: Type.Ref(SpendingCapsResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => app.services.usage.updateSpendingCaps(requestScope(request), toPatch(request.body as UpdateSpendingCapsRequestBody)),
  );
};

/** Absent keeps a setting; null clears the amounts and is ignored for the switches. */
function toPatch(body: UpdateSpendingCapsRequestBody): Partial<SpendingCaps> {
  const patch: Partial<SpendingCaps> = {};
  if (body.monthly_spending_budget !== undefined) patch.monthlyBudgetCents = body.monthly_spending_budget;
  if (body.spending_alert_thresholds != null) patch.alertThresholds = [...new Set(body.spending_alert_thresholds)].sort((a, b) => a - b);
  if (body.spending_alerts_enabled != null) patch.alertsEnabled = body.spending_alerts_enabled;
  if (body.hard_spending_cap !== undefined) patch.hardCapCents = body.hard_spending_cap;
  if (body.hard_cap_enabled != null) patch.hardCapEnabled = body.hard_cap_enabled;
  return patch;
}

export default spendingCaps;

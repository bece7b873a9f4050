import { Type } from '@sinclair/typebox';
import type { SpendingCaps } from '../../../../engine/accounts/types.ts';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toSpendingCaps } from '../../../presenters/billing.ts';
import { SpendingCapsResponse, UpdateSpendingCapsRequest, type UpdateSpendingCapsRequestBody } from '../../../schemas/billing.ts';

export default defineOperation({
  operationId: 'update_spending_caps_v1_organizations_billing_spending_caps_post',
  method: 'POST',
  url: '/spending-caps',
  policy: metadata('admin'),
  schema: {
    tags: ['Organization Billing'],
    summary: 'Update Spending Caps',
    description: 'Amounts in USD cents (1 credit = 0.1 cent). The soft budget only reports; an enabled hard cap refuses (402) spending past it.',
    body: Type.Ref(UpdateSpendingCapsRequest),
    response: { 200: Type.Ref(SpendingCapsResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) =>
    toSpendingCaps(await request.server.services.usage.updateSpendingCaps(scope, toChanges(request.body as UpdateSpendingCapsRequestBody))),
});

/** Absent keeps a setting; null clears the amounts and is ignored for the switches. */
function toChanges(body: UpdateSpendingCapsRequestBody): Partial<SpendingCaps> {
  const changes: Partial<SpendingCaps> = {};
  if (body.monthly_spending_budget !== undefined) changes.monthlyBudgetCents = body.monthly_spending_budget;
  if (body.spending_alert_thresholds != null) changes.alertThresholds = [...new Set(body.spending_alert_thresholds)].sort((a, b) => a - b);
  if (body.spending_alerts_enabled != null) changes.alertsEnabled = body.spending_alerts_enabled;
  if (body.hard_spending_cap !== undefined) changes.hardCapCents = body.hard_spending_cap;
  if (body.hard_cap_enabled != null) changes.hardCapEnabled = body.hard_cap_enabled;
  return changes;
}

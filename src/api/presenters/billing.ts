// Balance, billing period, auto-billing and spending caps (engine, camelCase) → Mixpeek's billing
// components (snake_case). The wording of the auto-billing messages is the API's, not the engine's.
import type { AutoBillingChange, CreditBalance, PeriodUsage, SpendingCapsReport, UsageBreakdown } from '../../engine/billing/usage-service.ts';
import type {
  AutoBillingToggleResponseBody,
  CreditBalanceResponseBody,
  CurrentUsageResponseBody,
  SpendingCapsResponseBody,
  UsageBreakdownResponseBody,
} from '../schemas/billing.ts';

const AUTO_BILLING_ENABLED =
  'Auto-billing enabled: requests may overdraw the balance; overdrafts are recorded in the credit ledger. Tessera has no payment provider and charges nothing.';
const AUTO_BILLING_DISABLED = 'Auto-billing disabled: requests that the balance cannot cover are refused with 402.';

export function toCreditBalance(balance: CreditBalance): CreditBalanceResponseBody {
  return {
    organization_id: balance.organizationId,
    credit_balance: balance.balanceCredits,
    account_tier: balance.tier,
    next_tier: balance.nextTier,
    credits_until_next_tier: balance.creditsUntilNextTier,
    estimated_days_remaining: balance.estimatedDaysRemaining,
    daily_burn_rate: balance.dailyBurnRate,
  };
}

export function toCurrentUsage(usage: PeriodUsage): CurrentUsageResponseBody {
  const { period } = usage;
  return {
    current_month_usage: usage.creditsUsed,
    billing_month: period.month,
    billing_period_start: period.start.toISOString(),
    billing_period_end: period.end.toISOString(),
    estimated_cost_usd: usage.estimatedCostUsd,
    credit_rate: usage.usdPerCredit,
    auto_billing_enabled: usage.autoBillingEnabled,
    // No payment provider: the period's end is when an invoice would be drawn up.
    next_invoice_date: period.end.toISOString(),
  };
}

export function toUsageBreakdown(breakdown: UsageBreakdown): UsageBreakdownResponseBody {
  return {
    billing_month: breakdown.period.month,
    total_credits: breakdown.totalCredits,
    total_cost_usd: breakdown.totalCostUsd,
    by_operation: breakdown.creditsByOperation,
    by_extractor: breakdown.creditsByExtractor,
    period_start: breakdown.period.start.toISOString(),
    period_end: breakdown.period.end.toISOString(),
  };
}

export function toAutoBillingToggle(change: AutoBillingChange): AutoBillingToggleResponseBody {
  return {
    success: true,
    auto_billing_enabled: change.enabled,
    message: change.enabled ? AUTO_BILLING_ENABLED : AUTO_BILLING_DISABLED,
    billing_period_start: change.period ? change.period.start.toISOString() : null,
  };
}

export function toSpendingCaps(report: SpendingCapsReport): SpendingCapsResponseBody {
  const { caps } = report;
  return {
    monthly_spending_budget: caps.monthlyBudgetCents,
    monthly_spending_budget_usd: caps.monthlyBudgetCents === null ? null : caps.monthlyBudgetCents / 100,
    spending_alert_thresholds: caps.alertThresholds,
    spending_alerts_enabled: caps.alertsEnabled,
    spending_alerts_sent: report.alertsSent,
    hard_spending_cap: caps.hardCapCents,
    hard_spending_cap_usd: caps.hardCapCents === null ? null : caps.hardCapCents / 100,
    hard_cap_enabled: caps.hardCapEnabled,
    current_spending_cents: report.spentCents,
    current_spending_usd: report.spentUsd,
    budget_percentage_used: report.budgetPercentageUsed,
  };
}

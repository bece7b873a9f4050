// Read side of credits and requests: usage reports, balance, the billing period, spending caps and
// the auto-billing flag. Tessera has no payment provider: auto-billing records the organization's
// choice (overdrafts are allowed and recorded in the ledger for an invoice) and charges nothing.
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { TimeRange } from '../ports/time-range.ts';
import { actingUserId, type RequestScope, type TenantScope } from '../scope/request-scope.ts';
import type { EndpointUsage } from '../usage/usage-repositories.ts';
import { spentByOperation, totalSpent } from './spending.ts';
import { satisfies } from '../accounts/permissions.ts';
import { MILLIS_PER_CREDIT, nextTier, TIERS, USD_PER_CREDIT } from '../accounts/tiers.ts';
import type { ApiKey, SpendingCaps } from '../accounts/types.ts';
import type { RequestUsageRecorder } from '../usage/request-usage-recorder.ts';
import { billingPeriodOfMonth, type BillingPeriod } from './billing-period.ts';
import { millisToCents, type CreditService } from './credit-service.ts';

const credits = (millis: number) => millis / MILLIS_PER_CREDIT;
const DAY_MS = 86_400_000;

export interface UsageRange {
  start?: string | undefined;
  end?: string | undefined;
}

export interface EndpointReport extends EndpointUsage {
  creditsUsed: number;
}

export class UsageService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly recorder: RequestUsageRecorder | null,
    private readonly credits: CreditService,
  ) {}

  /** The credit service owns billing periods and period spending; reports read them from it. */
  period(scope: RequestScope): BillingPeriod {
    return this.credits.period(scope.organization);
  }


  /** Defaults to the current billing period up to now; ISO-8601 bounds otherwise. */
  range(scope: RequestScope, query: UsageRange): TimeRange {
    const period = this.period(scope);
    const from = query.start ? new Date(query.start) : period.start;
    const to = query.end ? new Date(query.end) : this.clock.now();
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new BadRequestError('start and end must be ISO-8601 date-times');
    if (from >= to) throw new BadRequestError('start must be before end', { start: from.toISOString(), end: to.toISOString() }, 'invalid_range');
    // `to` is exclusive; include the whole current millisecond.
    return { from: from.toISOString(), to: new Date(to.getTime() + 1).toISOString() };
  }

  async organizationUsage(scope: RequestScope, range: TimeRange) {
    await this.recorder?.flush();
    const org = scope.organization;
    const period = this.period(scope);
    const [totals, endpoints, periodSpent] = await Promise.all([
      this.store.ledger.totalsByOperation(scope, range),
      this.store.requestUsage.byEndpoint(scope, range),
      this.credits.periodSpentMillis(scope),
    ]);
    const spent = totalSpent(totals);
    const byOperation = spentByOperation(totals);
    const byCategory: Record<string, number> = {};
    for (const e of endpoints) byCategory[e.category] = (byCategory[e.category] ?? 0) + e.requests;
    return {
      organization_id: org.organizationId,
      period: { start: range.from, end: range.to },
      credits: {
        total: TIERS[org.accountType].monthlyCredits,
        used: credits(periodSpent),
        remaining: Math.floor(credits(org.creditBalanceMillis)),
        reset_date: period.end.toISOString(),
        used_in_range: credits(spent),
      },
      breakdown: Object.fromEntries(Object.entries(byOperation).map(([op, m]) => [op, credits(m)])),
      requests: { total: endpoints.reduce((n, e) => n + e.requests, 0), errors: endpoints.reduce((n, e) => n + e.errors, 0), by_category: byCategory },
    };
  }

  async keyUsage(scope: RequestScope, keyId: string, range: TimeRange) {
    const key = await this.accessibleKey(scope, keyId);
    const endpoints = await this.keyEndpoints(scope, keyId, range, key);
    const byCategory: Record<string, number> = {};
    for (const e of endpoints) byCategory[e.category] = (byCategory[e.category] ?? 0) + e.requests;
    const spent = await this.spent(scope, range, key.keyId);
    return {
      key_id: key.keyId,
      name: key.name,
      period: { start: range.from, end: range.to },
      requests: endpoints.reduce((n, e) => n + e.requests, 0),
      errors: endpoints.reduce((n, e) => n + e.errors, 0),
      credits_used: credits(spent),
      by_category: byCategory,
      last_used_at: key.lastUsedAt,
    };
  }

  async keyEndpoints(scope: RequestScope, keyId: string, range: TimeRange, known?: ApiKey): Promise<EndpointReport[]> {
    const key = known ?? (await this.accessibleKey(scope, keyId));
    await this.recorder?.flush();
    const [endpoints, spent] = await Promise.all([
      this.store.requestUsage.byEndpoint(scope, range, key.keyId),
      this.spentPerOperation(scope, range, key.keyId),
    ]);
    return endpoints.map((e) => ({ ...e, creditsUsed: credits(spent[e.operationId] ?? 0) }));
  }

  async balance(scope: RequestScope) {
    const org = scope.organization;
    const now = this.clock.now();
    const week = await this.spent(scope, { from: new Date(now.getTime() - 7 * DAY_MS).toISOString(), to: new Date(now.getTime() + 1).toISOString() });
    const dailyBurn = credits(week) / 7;
    const balanceCredits = Math.floor(credits(org.creditBalanceMillis));
    const next = nextTier(org.accountType, balanceCredits);
    return {
      organization_id: org.organizationId,
      credit_balance: balanceCredits,
      account_tier: org.accountType,
      next_tier: next?.tier ?? null,
      credits_until_next_tier: next?.creditsNeeded ?? null,
      estimated_days_remaining: dailyBurn > 0 && !org.autoBillingEnabled ? Math.max(0, Math.floor(balanceCredits / dailyBurn)) : null,
      daily_burn_rate: Math.round(dailyBurn * 1000) / 1000,
    };
  }

  async currentUsage(scope: RequestScope) {
    const org = scope.organization;
    const period = this.period(scope);
    const spent = await this.credits.periodSpentMillis(scope);
    return {
      current_month_usage: Math.ceil(credits(spent)),
      billing_month: period.month,
      billing_period_start: period.start.toISOString(),
      billing_period_end: period.end.toISOString(),
      estimated_cost_usd: roundUsd(credits(spent) * USD_PER_CREDIT),
      credit_rate: USD_PER_CREDIT,
      auto_billing_enabled: org.autoBillingEnabled,
      next_invoice_date: period.end.toISOString(),
    };
  }

  async breakdown(scope: RequestScope, billingMonth: string | undefined) {
    const org = scope.organization;
    const period = billingMonth ? billingPeriodOfMonth(billingMonth, org.billingCycleStart) : this.period(scope);
    const byOperation = await this.spentPerOperation(scope, periodRange(period));
    const total = Object.values(byOperation).reduce((a, b) => a + b, 0);
    const totalCredits = Math.ceil(credits(total));
    return {
      billing_month: period.month,
      total_credits: totalCredits,
      total_cost_usd: roundUsd(credits(total) * USD_PER_CREDIT),
      by_operation: apportion(byOperation, totalCredits),
      // Extractor costs arrive with collections; until then nothing is charged per extractor.
      by_extractor: {} as Record<string, number>,
      period_start: period.start.toISOString(),
      period_end: period.end.toISOString(),
    };
  }

  async setAutoBilling(scope: RequestScope, enabled: boolean) {
    const at = this.clock.now().toISOString();
    await this.store.organizations.update(scope.organization.internalId, { autoBillingEnabled: enabled }, at);
    return {
      success: true,
      auto_billing_enabled: enabled,
      message: enabled
        ? 'Auto-billing enabled: requests may overdraw the balance; overdrafts are recorded in the credit ledger. Tessera has no payment provider and charges nothing.'
        : 'Auto-billing disabled: requests that the balance cannot cover are refused with 402.',
      billing_period_start: enabled ? this.period(scope).start.toISOString() : null,
    };
  }

  async spendingCaps(scope: RequestScope, caps: SpendingCaps = scope.organization.spendingCaps) {
    const spent = await this.credits.periodSpentMillis(scope);
    const cents = millisToCents(spent);
    return {
      monthly_spending_budget: caps.monthlyBudgetCents,
      monthly_spending_budget_usd: caps.monthlyBudgetCents === null ? null : caps.monthlyBudgetCents / 100,
      spending_alert_thresholds: caps.alertThresholds,
      spending_alerts_enabled: caps.alertsEnabled,
      spending_alerts_sent: caps.monthlyBudgetCents ? caps.alertThresholds.filter((t) => cents >= (caps.monthlyBudgetCents! * t) / 100) : [],
      hard_spending_cap: caps.hardCapCents,
      hard_spending_cap_usd: caps.hardCapCents === null ? null : caps.hardCapCents / 100,
      hard_cap_enabled: caps.hardCapEnabled,
      current_spending_cents: Math.floor(cents),
      current_spending_usd: roundUsd(cents / 100),
      budget_percentage_used: caps.monthlyBudgetCents ? Math.round((cents / caps.monthlyBudgetCents) * 10_000) / 100 : null,
    };
  }

  /** Merged under the organization's row lock, over the caps as stored (not the caller's cached copy). */
  async updateSpendingCaps(scope: RequestScope, patch: Partial<SpendingCaps>) {
    const internalId = scope.organization.internalId;
    const caps = await this.store.transaction(async (repos) => {
      await repos.organizations.lock(internalId);
      const current = await repos.organizations.findByInternalId(internalId);
      if (!current) throw new NotFoundError('organization', scope.organization.organizationId);
      const merged: SpendingCaps = { ...current.spendingCaps, ...patch };
      if (merged.hardCapEnabled && merged.hardCapCents === null) {
        throw new BadRequestError('hard_cap_enabled needs a hard_spending_cap', null, 'hard_cap_missing');
      }
      await repos.organizations.update(internalId, { spendingCaps: merged }, this.clock.now().toISOString());
      return merged;
    });
    return this.spendingCaps(scope, caps);
  }

  /** Credits spent in the range (thousandths), refunds netted. */
  private async spent(tenant: TenantScope, range: TimeRange, keyId?: string): Promise<number> {
    return totalSpent(await this.store.ledger.totalsByOperation(tenant, range, keyId));
  }

  private async spentPerOperation(tenant: TenantScope, range: TimeRange, keyId?: string): Promise<Record<string, number>> {
    return spentByOperation(await this.store.ledger.totalsByOperation(tenant, range, keyId));
  }

  /** A key of the caller's organization: your own with read, anyone's with admin. */
  private async accessibleKey(scope: RequestScope, keyId: string): Promise<ApiKey> {
    const key = await this.store.apiKeys.findById(scope, keyId);
    if (!key) throw new NotFoundError('api_key', keyId);
    if (key.userId !== actingUserId(scope) && !satisfies(scope.permission, 'admin')) {
      throw new ForbiddenError("Reading another user's key usage requires the admin permission", { required: 'admin' });
    }
    return key;
  }
}

/**
 * Whole credits per operation that add up to the (rounded-up) total: floors first, then the
 * remaining units to the largest fractions (largest-remainder method).
 */
function apportion(millisByOperation: Record<string, number>, totalCredits: number): Record<string, number> {
  const entries = Object.entries(millisByOperation).map(([op, m]) => ({ op, whole: Math.floor(m / MILLIS_PER_CREDIT), fraction: m % MILLIS_PER_CREDIT }));
  let left = totalCredits - entries.reduce((n, e) => n + e.whole, 0);
  for (const e of [...entries].sort((a, b) => b.fraction - a.fraction)) {
    if (left <= 0) break;
    if (e.fraction > 0) {
      e.whole += 1;
      left -= 1;
    }
  }
  return Object.fromEntries(entries.map((e) => [e.op, e.whole]));
}

function periodRange(period: BillingPeriod): TimeRange {
  return { from: period.start.toISOString(), to: period.end.toISOString() };
}

function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}

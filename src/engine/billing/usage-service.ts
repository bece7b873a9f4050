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
import type { AccountTier, ApiKey, SpendingCaps } from '../accounts/types.ts';
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

/** Credits (fractional where the ledger is) and requests of an organization over a range. */
export interface OrganizationUsageReport {
  organizationId: string;
  range: TimeRange;
  /** The tier's monthly allocation; null for custom tiers. */
  monthlyAllocation: number | null;
  /** Spent in the current billing period. */
  periodCreditsUsed: number;
  /** The current balance, whole credits. */
  balanceCredits: number;
  period: BillingPeriod;
  /** Spent within the range. */
  creditsUsed: number;
  creditsByOperation: Record<string, number>;
  requests: RequestCounts;
}

export interface RequestCounts {
  total: number;
  errors: number;
  byCategory: Record<string, number>;
}

export interface ApiKeyUsageReport {
  apiKey: ApiKey;
  range: TimeRange;
  requests: RequestCounts;
  creditsUsed: number;
}

export interface CreditBalance {
  organizationId: string;
  /** Whole credits. */
  balanceCredits: number;
  tier: AccountTier;
  nextTier: AccountTier | null;
  creditsUntilNextTier: number | null;
  /** Null when nothing was spent in the last 7 days, or when auto-billing lets the balance run negative. */
  estimatedDaysRemaining: number | null;
  /** Credits per day over the last 7 days. */
  dailyBurnRate: number;
}

export interface PeriodUsage {
  period: BillingPeriod;
  /** Whole credits, rounded up: a started credit counts as used. */
  creditsUsed: number;
  estimatedCostUsd: number;
  usdPerCredit: number;
  autoBillingEnabled: boolean;
}

export interface UsageBreakdown {
  period: BillingPeriod;
  /** Whole credits, rounded up; the operations' shares add up to it. */
  totalCredits: number;
  totalCostUsd: number;
  creditsByOperation: Record<string, number>;
  creditsByExtractor: Record<string, number>;
}

export interface AutoBillingChange {
  enabled: boolean;
  /** The billing period the overdrafts now accrue to; null when disabled. */
  period: BillingPeriod | null;
}

export interface SpendingCapsReport {
  caps: SpendingCaps;
  /** The alert thresholds (percent of the budget) the period's spending has reached. */
  alertsSent: number[];
  /** The period's spending: whole cents (rounded down) and USD. */
  spentCents: number;
  spentUsd: number;
  /** Percent of the monthly budget spent (two decimals); null without a budget. */
  budgetPercentageUsed: number | null;
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

  async organizationUsage(scope: RequestScope, range: TimeRange): Promise<OrganizationUsageReport> {
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
    return {
      organizationId: org.organizationId,
      range,
      monthlyAllocation: TIERS[org.accountType].monthlyCredits,
      periodCreditsUsed: credits(periodSpent),
      balanceCredits: Math.floor(credits(org.creditBalanceMillis)),
      period,
      creditsUsed: credits(spent),
      creditsByOperation: Object.fromEntries(Object.entries(byOperation).map(([op, m]) => [op, credits(m)])),
      requests: requestCounts(endpoints),
    };
  }

  async keyUsage(scope: RequestScope, keyId: string, range: TimeRange): Promise<ApiKeyUsageReport> {
    const key = await this.accessibleKey(scope, keyId);
    await this.recorder?.flush();
    // One ledger read: the per-endpoint credits of keyEndpoints() are not part of this report.
    const [endpoints, totals] = await Promise.all([this.store.requestUsage.byEndpoint(scope, range, key.keyId), this.store.ledger.totalsByOperation(scope, range, key.keyId)]);
    return { apiKey: key, range, requests: requestCounts(endpoints), creditsUsed: credits(totalSpent(totals)) };
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

  async balance(scope: RequestScope): Promise<CreditBalance> {
    const org = scope.organization;
    const now = this.clock.now();
    const week = await this.spent(scope, { from: new Date(now.getTime() - 7 * DAY_MS).toISOString(), to: new Date(now.getTime() + 1).toISOString() });
    const dailyBurn = credits(week) / 7;
    const balanceCredits = Math.floor(credits(org.creditBalanceMillis));
    const next = nextTier(org.accountType, balanceCredits);
    return {
      organizationId: org.organizationId,
      balanceCredits,
      tier: org.accountType,
      nextTier: next?.tier ?? null,
      creditsUntilNextTier: next?.creditsNeeded ?? null,
      estimatedDaysRemaining: dailyBurn > 0 && !org.autoBillingEnabled ? Math.max(0, Math.floor(balanceCredits / dailyBurn)) : null,
      dailyBurnRate: Math.round(dailyBurn * 1000) / 1000,
    };
  }

  async currentUsage(scope: RequestScope): Promise<PeriodUsage> {
    const org = scope.organization;
    const period = this.period(scope);
    const spent = await this.credits.periodSpentMillis(scope);
    return {
      period,
      creditsUsed: Math.ceil(credits(spent)),
      estimatedCostUsd: roundUsd(credits(spent) * USD_PER_CREDIT),
      usdPerCredit: USD_PER_CREDIT,
      autoBillingEnabled: org.autoBillingEnabled,
    };
  }

  async breakdown(scope: RequestScope, billingMonth: string | undefined): Promise<UsageBreakdown> {
    const org = scope.organization;
    const period = billingMonth ? billingPeriodOfMonth(billingMonth, org.billingCycleStart) : this.period(scope);
    const byOperation = await this.spentPerOperation(scope, periodRange(period));
    const total = Object.values(byOperation).reduce((a, b) => a + b, 0);
    const totalCredits = Math.ceil(credits(total));
    return {
      period,
      totalCredits,
      totalCostUsd: roundUsd(credits(total) * USD_PER_CREDIT),
      creditsByOperation: apportion(byOperation, totalCredits),
      // Extractor costs arrive with collections; until then nothing is charged per extractor.
      creditsByExtractor: {},
    };
  }

  async setAutoBilling(scope: RequestScope, enabled: boolean): Promise<AutoBillingChange> {
    const at = this.clock.now().toISOString();
    await this.store.organizations.update(scope.organization.internalId, { autoBillingEnabled: enabled }, at);
    return { enabled, period: enabled ? this.period(scope) : null };
  }

  async spendingCaps(scope: RequestScope, caps: SpendingCaps = scope.organization.spendingCaps): Promise<SpendingCapsReport> {
    const spent = await this.credits.periodSpentMillis(scope);
    const cents = millisToCents(spent);
    return {
      caps,
      alertsSent: caps.monthlyBudgetCents ? caps.alertThresholds.filter((t) => cents >= (caps.monthlyBudgetCents! * t) / 100) : [],
      spentCents: Math.floor(cents),
      spentUsd: roundUsd(cents / 100),
      budgetPercentageUsed: caps.monthlyBudgetCents ? Math.round((cents / caps.monthlyBudgetCents) * 10_000) / 100 : null,
    };
  }

  /** Merged under the organization's row lock, over the caps as stored (not the caller's cached copy). */
  async updateSpendingCaps(scope: RequestScope, patch: Partial<SpendingCaps>): Promise<SpendingCapsReport> {
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

function requestCounts(endpoints: EndpointUsage[]): RequestCounts {
  const byCategory: Record<string, number> = {};
  for (const e of endpoints) byCategory[e.category] = (byCategory[e.category] ?? 0) + e.requests;
  return { total: endpoints.reduce((n, e) => n + e.requests, 0), errors: endpoints.reduce((n, e) => n + e.errors, 0), byCategory };
}

function periodRange(period: BillingPeriod): TimeRange {
  return { from: period.start.toISOString(), to: period.end.toISOString() };
}

function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}

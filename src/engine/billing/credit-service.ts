// Credits: every change to a balance is one conditional SQL update plus one ledger entry, in one
// transaction. The ledger is the truth (its entries sum to the balance); the balance column is what
// makes "never below zero" a single atomic statement.
import { MAX_BALANCE_MILLIS, MAX_TOP_UP_CREDITS } from '../bounds.ts';
import { BadRequestError, InsufficientCreditsError, NotFoundError, SpendingCapReachedError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import { actingKeyId, tenantOf, type RequestScope, type TenantScope } from '../scope/request-scope.ts';
import { refundOperation, totalSpent } from './spending.ts';
import { newId } from '../../lib/ids.ts';
import { MILLIS_PER_CREDIT, rateLimitsAfterUpgrade, TIERS, tierAfterTopUp, wholeCredits } from '../accounts/tiers.ts';
import type { AccountTier, Organization } from '../accounts/types.ts';
import { billingPeriodAt, type BillingPeriod } from './billing-period.ts';

export interface SpendRequest {
  /** What is paid for: an operationId or a finer name (e.g. an extractor). */
  operation: string;
  /** May be fractional (0.1 credit per search); kept exactly in thousandths. */
  credits: number;
  /** Idempotency: a second spend with the same reference is not charged again. */
  referenceId: string;
}

export interface Spend {
  entryId: string;
  amountMillis: number;
  balanceAfterMillis: number;
  overdraft: boolean;
}

export interface CreditTopUp {
  previousBalance: number;
  creditsAdded: number;
  newBalance: number;
  previousTier: AccountTier;
  newTier: AccountTier;
  tierUpgraded: boolean;
}

/** 1 credit = $0.001 = 0.1 cent; caps are in cents. */
export const millisToCents = (millis: number): number => millis / 10_000;

export class CreditService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
  ) {}

  /** Periods computed per cycle day, reused until they end (every request asks for one). */
  private readonly periods = new Map<number, BillingPeriod>();

  period(org: Organization): BillingPeriod {
    const now = this.clock.now();
    const known = this.periods.get(org.billingCycleStart);
    if (known && now >= known.start && now < known.end) return known;
    const period = billingPeriodAt(now, org.billingCycleStart);
    this.periods.set(org.billingCycleStart, period);
    return period;
  }

  /** True when the organization's current period has not been granted yet (no I/O). */
  grantDue(org: Organization): boolean {
    return org.lastGrantPeriod === null || org.lastGrantPeriod < this.period(org).key;
  }

  /**
   * Grants the tier's monthly allocation on the first request of a new billing period. Cheap when
   * nothing is due (a string comparison); once per period even across processes (conditional update
   * on last_grant_period plus a unique ledger reference). Returns the organization as it now is.
   */
  async ensureMonthlyGrant(org: Organization): Promise<Organization> {
    if (!this.grantDue(org)) return org;
    const period = this.period(org);
    const allocation = TIERS[org.accountType].monthlyCredits ?? 0;
    const at = this.clock.now().toISOString();
    await this.store.transaction(async (repos) => {
      // A balance already near the ceiling gets only what still fits: the ledger stays exact.
      await repos.organizations.lock(org.internalId);
      const current = (await repos.organizations.findByInternalId(org.internalId))?.creditBalanceMillis ?? 0;
      const millis = Math.max(0, Math.min(allocation * MILLIS_PER_CREDIT, MAX_BALANCE_MILLIS - current));
      const balance = await repos.organizations.claimGrant(org.internalId, period.key, millis, at);
      if (balance === null || millis === 0) return;
      await repos.ledger.append(entry(org, null, 'monthly_grant', millis, balance, `monthly_grant:${period.key}`, at));
    });
    return (await this.store.organizations.findByInternalId(org.internalId)) ?? org;
  }

  /**
   * Spends before the work starts. Refused (nothing spent) when the balance does not cover it —
   * unless auto-billing is on, in which case the overdraft is recorded for the next invoice — or
   * when the hard spending cap would be passed.
   */
  async spend(scope: RequestScope, request: SpendRequest): Promise<Spend | null> {
    const millis = Math.round(request.credits * MILLIS_PER_CREDIT);
    if (millis <= 0) return null;
    const internalId = scope.organization.internalId;
    return this.store.transaction(async (repos) => {
      // The row lock first: it serializes spends of one organization, so the reference check and
      // the cap check below see every committed spend.
      await repos.organizations.lock(internalId);
      const previous = await repos.ledger.findByReference(scope, request.referenceId);
      if (previous) return { entryId: previous.entryId, amountMillis: -previous.amountMillis, balanceAfterMillis: previous.balanceAfterMillis, overdraft: previous.overdraft };

      const org = await repos.organizations.findByInternalId(internalId);
      if (!org) throw new NotFoundError('organization', scope.organization.organizationId);
      await this.assertUnderHardCap(repos, org, millis);

      const at = this.clock.now().toISOString();
      const balance = await repos.organizations.debitMillis(org.internalId, millis, org.autoBillingEnabled, at);
      if (balance === null) throw new InsufficientCreditsError(request.credits, wholeCredits(org.creditBalanceMillis));
      const e = entry(org, actingKeyId(scope), request.operation, -millis, balance, request.referenceId, at, balance < 0);
      await repos.ledger.append(e);
      return { entryId: e.entryId, amountMillis: millis, balanceAfterMillis: balance, overdraft: e.overdraft };
    });
  }

  /** Gives back a spend whose work failed. Idempotent through its reference. */
  async refund(scope: RequestScope, operation: string, spend: Spend, referenceId: string): Promise<void> {
    await this.store.transaction((repos) => this.refundIn(repos, scope, operation, spend.amountMillis, referenceId));
  }

  /**
   * Gives back part (or all) of a spend in the caller's transaction, so the refund commits with the
   * outcome it reflects (a batch chunk's documents). Idempotent through its reference: one refund
   * per reference. Returns whether it refunded.
   */
  async refundIn(repos: Repositories, scope: RequestScope, operation: string, amountMillis: number, referenceId: string): Promise<boolean> {
    if (amountMillis <= 0) return false;
    const organizationInternalId = scope.organization.internalId;
    await repos.organizations.lock(organizationInternalId);
    if (await repos.ledger.findByReference(scope, `refund:${referenceId}`)) return false;
    const at = this.clock.now().toISOString();
    const balance = await repos.organizations.addCreditMillis(organizationInternalId, amountMillis, at);
    await repos.ledger.append(entry(scope.organization, actingKeyId(scope), refundOperation(operation), amountMillis, balance, `refund:${referenceId}`, at));
    return true;
  }

  /**
   * Refused (400, nothing written) when the amount is not a whole number of credits in
   * 1..MAX_TOP_UP_CREDITS or the new balance would pass MAX_BALANCE_MILLIS. The check runs on the
   * row read under the lock, so concurrent top-ups cannot pass it together.
   */
  async topUp(scope: RequestScope, credits: number): Promise<CreditTopUp> {
    const organizationInternalId = scope.organization.internalId;
    if (!Number.isSafeInteger(credits) || credits < 1 || credits > MAX_TOP_UP_CREDITS) {
      throw new BadRequestError(`A top-up is a whole number of credits from 1 to ${MAX_TOP_UP_CREDITS}`, { credits: String(credits), max: MAX_TOP_UP_CREDITS }, 'invalid_credit_amount');
    }
    const millis = credits * MILLIS_PER_CREDIT;
    return this.store.transaction(async (repos) => {
      await repos.organizations.lock(organizationInternalId);
      const before = await repos.organizations.findByInternalId(organizationInternalId);
      if (!before) throw new NotFoundError('organization', scope.organization.organizationId);
      if (before.creditBalanceMillis + millis > MAX_BALANCE_MILLIS) {
        const maxBalance = wholeCredits(MAX_BALANCE_MILLIS);
        throw new BadRequestError(
          `The balance cannot exceed ${maxBalance} credits`,
          { balance: wholeCredits(before.creditBalanceMillis), credits, max_balance: maxBalance },
          'balance_limit_exceeded',
        );
      }
      const at = this.clock.now().toISOString();
      const afterMillis = await repos.organizations.addCreditMillis(organizationInternalId, millis, at);
      await repos.ledger.append(entry(before, actingKeyId(scope), 'credit_purchase', millis, afterMillis, null, at));
      const newBalance = wholeCredits(afterMillis);
      const newTier = tierAfterTopUp(before.accountType, newBalance);
      if (newTier !== before.accountType) {
        await repos.organizations.setAccountType(organizationInternalId, before.accountType, newTier, at);
        // PRO and TEAM get higher rate limits automatically; custom higher limits are kept.
        await repos.organizations.update(organizationInternalId, { rateLimits: rateLimitsAfterUpgrade(before.rateLimits, newTier) }, at);
      }
      return {
        previousBalance: wholeCredits(afterMillis - millis),
        creditsAdded: credits,
        newBalance,
        previousTier: before.accountType,
        newTier,
        tierUpgraded: newTier !== before.accountType,
      };
    });
  }

  /** Credits spent in the organization's current billing period, in thousandths. */
  periodSpentMillis(tenant: TenantScope, keyId?: string): Promise<number> {
    return this.spentInPeriod(this.store, tenant, keyId);
  }

  /** Through the given repositories: the store's, or a transaction's (the cap check reads under the lock). */
  private async spentInPeriod(repos: Pick<Repositories, 'ledger'>, tenant: TenantScope, keyId?: string): Promise<number> {
    const period = this.period(tenant.organization);
    return totalSpent(await repos.ledger.totalsByOperation(tenant, { from: period.start.toISOString(), to: period.end.toISOString() }, keyId));
  }

  private async assertUnderHardCap(repos: Repositories, org: Organization, millis: number): Promise<void> {
    const caps = org.spendingCaps;
    if (!caps.hardCapEnabled || caps.hardCapCents === null) return;
    const spent = await this.spentInPeriod(repos, tenantOf(org));
    if (millisToCents(spent + millis) > caps.hardCapCents) throw new SpendingCapReachedError(caps.hardCapCents, Math.floor(millisToCents(spent)));
  }
}

function entry(
  organization: Organization,
  keyId: string | null,
  operation: string,
  amountMillis: number,
  balanceAfterMillis: number,
  referenceId: string | null,
  createdAt: string,
  overdraft = false,
) {
  return { entryId: newId('ledgerEntry'), organizationInternalId: organization.internalId, keyId, operation, amountMillis, balanceAfterMillis, referenceId, overdraft, createdAt };
}

// Small, frequent charges (0.1 credit per vector search) without a ledger transaction each: the
// process reserves a block of credits per organization and operation with one ordinary spend, then
// charges from it in memory; what is left is given back (one refund entry) when the reservation
// has been idle for a while and when the process closes.
//
// Why: a spend is a locked transaction (row lock, idempotency and cap checks, ledger entry), about
// as long as a whole vector search; charging every search that way would double its latency. The
// ledger stays exact over time: block spends minus refunds equal what the executions used. The
// price is visibility and a bounded loss: the balance shows a reserved block as spent until it is
// refunded, and a process that crashes loses what it had reserved and not used (at most one block
// per organization and operation: docs/limits-and-credits.md).
import { InsufficientCreditsError } from '../errors.ts';
import { MILLIS_PER_CREDIT } from '../accounts/tiers.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import { newRequestId } from '../../lib/ids.ts';
import type { CreditService, Spend } from './credit-service.ts';

export interface ReservationSettings {
  /** Credits reserved at a time (a charge larger than this reserves exactly what it needs). */
  blockCredits: number;
  /** A reservation unused this long is refunded. */
  idleRefundMs: number;
}

export const DEFAULT_RESERVATION_SETTINGS: ReservationSettings = { blockCredits: 5, idleRefundMs: 60_000 };

interface Reservation {
  scope: RequestScope;
  operation: string;
  remainingMillis: number;
  /** The latest block's spend: the refund of the remainder refers to it. */
  spend: Spend | null;
  reference: string;
  lastUsed: number;
  /** Charges of one reservation run one at a time, so two short ones never both reserve a block. */
  queue: Promise<unknown>;
}

export class CreditReservations {
  private readonly reservations = new Map<string, Reservation>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly credits: CreditService,
    private readonly settings: ReservationSettings = DEFAULT_RESERVATION_SETTINGS,
    private readonly now: () => number = Date.now,
    private readonly onBackgroundError: (err: unknown) => void = () => {},
  ) {}

  /** Charges `credits` to the scope's organization for `operation`; InsufficientCreditsError when even that much is not there. */
  charge(scope: RequestScope, operation: string, credits: number): Promise<void> {
    return this.enqueue(scope, operation, credits, true);
  }

  /**
   * Makes sure `credits` are reserved without using them (refuse work up front when the balance is
   * exhausted, charge what it used afterwards); InsufficientCreditsError when they cannot be.
   */
  ensure(scope: RequestScope, operation: string, credits: number): Promise<void> {
    return this.enqueue(scope, operation, credits, false);
  }

  /**
   * The organization's balance as this process knows it: the balance after its latest block plus
   * what is still reserved (reserved credits are the organization's until used). Other processes'
   * and other operations' spends since that block are not in it. null before any reservation.
   */
  balanceEstimate(scope: RequestScope, operation: string): number | null {
    const r = this.reservations.get(this.key(scope, operation));
    if (!r?.spend) return null;
    return (r.spend.balanceAfterMillis + r.remainingMillis) / MILLIS_PER_CREDIT;
  }

  private key(scope: RequestScope, operation: string): string {
    return `${scope.organization.internalId}\u0000${operation}`;
  }

  private enqueue(scope: RequestScope, operation: string, credits: number, consume: boolean): Promise<void> {
    const millis = Math.round(credits * MILLIS_PER_CREDIT);
    if (millis <= 0) return Promise.resolve();
    const key = this.key(scope, operation);
    let r = this.reservations.get(key);
    if (!r) {
      r = { scope, operation, remainingMillis: 0, spend: null, reference: '', lastUsed: this.now(), queue: Promise.resolve() };
      this.reservations.set(key, r);
      this.startTimer();
    }
    const reservation = r;
    const run = reservation.queue.catch(() => {}).then(() => this.reserveFor(reservation, scope, millis, consume));
    reservation.queue = run;
    return run;
  }

  private async reserveFor(r: Reservation, scope: RequestScope, millis: number, consume: boolean): Promise<void> {
    r.lastUsed = this.now();
    r.scope = scope;
    if (r.remainingMillis < millis) {
      const needed = millis - r.remainingMillis;
      const block = Math.max(needed, this.settings.blockCredits * MILLIS_PER_CREDIT);
      const reference = `reserve:${newRequestId()}`;
      let spend: Spend | null;
      try {
        spend = await this.credits.spend(scope, { operation: r.operation, credits: block / MILLIS_PER_CREDIT, referenceId: reference });
      } catch (err) {
        // Not enough for a whole block: take exactly what is needed, or fail as a spend would.
        if (!(err instanceof InsufficientCreditsError) || block === needed) throw err;
        spend = await this.credits.spend(scope, { operation: r.operation, credits: needed / MILLIS_PER_CREDIT, referenceId: reference });
      }
      r.remainingMillis += spend?.amountMillis ?? 0;
      r.spend = spend;
      r.reference = reference;
    }
    if (consume) r.remainingMillis -= millis;
  }

  /** Gives back every unused remainder (idle ones only, unless `all`). */
  async release(all = true): Promise<void> {
    const now = this.now();
    for (const [key, r] of this.reservations) {
      if (!all && now - r.lastUsed < this.settings.idleRefundMs) continue;
      const queued = r.queue;
      await queued.catch(() => {});
      // A charge queued meanwhile still uses this reservation: leave it for the next round.
      if (r.queue !== queued) continue;
      this.reservations.delete(key);
      if (r.remainingMillis > 0 && r.spend) {
        await this.credits.refund(r.scope, r.operation, { ...r.spend, amountMillis: r.remainingMillis }, r.reference);
      }
    }
    if (this.reservations.size === 0) this.stopTimer();
  }

  async close(): Promise<void> {
    this.stopTimer();
    await this.release(true);
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.release(false).catch(this.onBackgroundError);
    }, Math.max(1000, Math.floor(this.settings.idleRefundMs / 2)));
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

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
    const millis = Math.round(credits * MILLIS_PER_CREDIT);
    if (millis <= 0) return Promise.resolve();
    const key = `${scope.organization.internalId}\u0000${operation}`;
    let r = this.reservations.get(key);
    if (!r) {
      r = { scope, operation, remainingMillis: 0, spend: null, reference: '', lastUsed: this.now(), queue: Promise.resolve() };
      this.reservations.set(key, r);
      this.startTimer();
    }
    const reservation = r;
    const run = reservation.queue.catch(() => {}).then(() => this.chargeFrom(reservation, scope, millis));
    reservation.queue = run;
    return run;
  }

  private async chargeFrom(r: Reservation, scope: RequestScope, millis: number): Promise<void> {
    r.lastUsed = this.now();
    r.scope = scope;
    if (r.remainingMillis >= millis) {
      r.remainingMillis -= millis;
      return;
    }
    const block = Math.max(millis - r.remainingMillis, this.settings.blockCredits * MILLIS_PER_CREDIT);
    const reference = `reserve:${newRequestId()}`;
    let spend: Spend | null;
    try {
      spend = await this.credits.spend(scope, { operation: r.operation, credits: block / MILLIS_PER_CREDIT, referenceId: reference });
    } catch (err) {
      // Not enough for a whole block: take exactly what this charge needs, or fail as a spend would.
      if (!(err instanceof InsufficientCreditsError) || block === millis - r.remainingMillis) throw err;
      const exact = millis - r.remainingMillis;
      spend = await this.credits.spend(scope, { operation: r.operation, credits: exact / MILLIS_PER_CREDIT, referenceId: reference });
      r.remainingMillis = 0;
      r.spend = spend;
      r.reference = reference;
      return;
    }
    r.remainingMillis += (spend?.amountMillis ?? block) - millis;
    r.spend = spend;
    r.reference = reference;
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

// Billing periods start on the organization's billing_cycle_start day of each month (UTC). A day
// past the month's end (31 in February) falls on the month's last day.

export interface BillingPeriod {
  start: Date;
  end: Date;
  /** YYYY-MM-DD of the start: the idempotency key of the period's monthly grant. */
  key: string;
  /** YYYY-MM of the start, as Mixpeek's billing_month. */
  month: string;
}

function cycleStart(year: number, month: number, cycleDay: number): Date {
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(Math.max(cycleDay, 1), lastDay)));
}

export function billingPeriodAt(now: Date, cycleDay: number): BillingPeriod {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const thisMonth = cycleStart(y, m, cycleDay);
  const start = now >= thisMonth ? thisMonth : cycleStart(y, m - 1, cycleDay);
  const end = cycleStart(start.getUTCFullYear(), start.getUTCMonth() + 1, cycleDay);
  const iso = start.toISOString();
  return { start, end, key: iso.slice(0, 10), month: iso.slice(0, 7) };
}

/** The period a YYYY-MM billing month names. */
export function billingPeriodOfMonth(month: string, cycleDay: number): BillingPeriod {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return billingPeriodAt(cycleStart(y, m - 1, cycleDay), cycleDay);
}

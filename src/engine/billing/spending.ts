// What counts as spending, from the ledger's per-operation sums: spends are negative entries; a
// refund (`refund:<operation>`) gives one back and nets against that operation; grants, top-ups and
// opening balances are not spending. The ledger adapter only sums; this rule lives here.
import type { OperationTotal } from './billing-repositories.ts';

export const REFUND_PREFIX = 'refund:';

export function refundOperation(operation: string): string {
  return `${REFUND_PREFIX}${operation}`;
}

/** Credits spent per operation (positive thousandths), refunds netted; fully refunded operations are left out. */
export function spentByOperation(totals: readonly OperationTotal[]): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const { operation, amountMillis } of totals) {
    if (operation.startsWith(REFUND_PREFIX)) {
      const spentOn = operation.slice(REFUND_PREFIX.length);
      spent[spentOn] = (spent[spentOn] ?? 0) - amountMillis;
    } else if (amountMillis < 0) {
      spent[operation] = (spent[operation] ?? 0) - amountMillis;
    }
  }
  return Object.fromEntries(Object.entries(spent).filter(([, millis]) => millis !== 0));
}

/** Total credits spent (positive thousandths), refunds netted. */
export function totalSpent(totals: readonly OperationTotal[]): number {
  return Object.values(spentByOperation(totals)).reduce((sum, millis) => sum + millis, 0);
}

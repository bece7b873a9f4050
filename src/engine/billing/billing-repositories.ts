// The billing module's storage port: the credit ledger. The adapter stores entries and sums them;
// what counts as spending (refunds net out, grants do not count) is decided in spending.ts.
import type { TenantScope } from '../scope/request-scope.ts';
import type { TimeRange } from '../ports/time-range.ts';

export interface LedgerEntry {
  entryId: string;
  organizationInternalId: string;
  keyId: string | null;
  operation: string;
  /** Positive adds credits, negative spends them (thousandths of a credit). */
  amountMillis: number;
  balanceAfterMillis: number;
  referenceId: string | null;
  overdraft: boolean;
  createdAt: string;
}

/** The signed sum of one operation's entries. */
export interface OperationTotal {
  operation: string;
  amountMillis: number;
}

export interface CreditLedgerRepository {
  append(entry: LedgerEntry): Promise<void>;
  /** Signed sums per operation of the entries in [from, to), optionally of one key. */
  totalsByOperation(tenant: TenantScope, range: TimeRange, keyId?: string): Promise<OperationTotal[]>;
  /** Sum of every entry: equals the balance while the ledger is the truth. */
  sumMillis(tenant: TenantScope): Promise<number>;
  findByReference(tenant: TenantScope, referenceId: string): Promise<LedgerEntry | undefined>;
}

export interface BillingRepositories {
  ledger: CreditLedgerRepository;
}

// The billing module's tables. Kysely table types; the module's migration creates them.
import type { BigIntColumn, Timestamp } from '../table-columns.ts';

export interface CreditLedgerTable {
  entry_id: string;
  organization_internal_id: string;
  key_id: string | null;
  operation: string;
  amount_millis: BigIntColumn;
  balance_after_millis: BigIntColumn;
  reference_id: string | null;
  overdraft: number;
  created_at: Timestamp;
}

export interface BillingTables {
  credit_ledger: CreditLedgerTable;
}

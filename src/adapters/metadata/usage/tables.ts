// The usage module's tables. Kysely table types; the module's migration creates them.
import type { BigIntColumn } from '../table-columns.ts';

export interface RequestUsageTable {
  organization_internal_id: string;
  key_id: string;
  operation_id: string;
  method: string;
  route: string;
  category: string;
  hour: string;
  request_count: BigIntColumn;
  error_count: BigIntColumn;
  last_request_at: string;
}

export interface UsageTables {
  request_usage: RequestUsageTable;
}

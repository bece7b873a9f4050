// The accounts module's tables. Kysely table types; the module's migration creates them.
import type { ColumnType } from 'kysely';
import type { Json, BigIntColumn, Timestamp, NullableTimestamp } from '../table-columns.ts';

export interface MarkersTable {
  key: string;
  claimed_at: string;
}

export interface OrganizationsTable {
  internal_id: string;
  organization_id: string;
  organization_name: string;
  logo_url: string | null;
  account_type: string;
  credit_balance_millis: BigIntColumn;
  metadata: Json;
  billing_email: string | null;
  notifications_email: string | null;
  rate_limits: Json;
  auto_billing_enabled: number;
  billing_cycle_start: number;
  auth_provider_org_id: string | null;
  last_grant_period: string | null;
  spending_caps: ColumnType<unknown, string | null, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  user_id: string;
  organization_internal_id: string;
  email: string;
  user_name: string;
  avatar_url: string | null;
  role: string;
  status: string;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  key_id: string;
  organization_internal_id: string;
  user_id: string;
  name: string;
  description: string;
  key_hash: string;
  key_prefix: string;
  permissions: Json;
  scopes: Json;
  rate_limit_override: number | null;
  status: string;
  /** 1 while the key's name is taken (active or expired), NULL once revoked: unique with (user_id, name). */
  name_live: number | null;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  created_at: Timestamp;
  created_by: string | null;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
}

export interface AccountTables {
  tessera_markers: MarkersTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
}

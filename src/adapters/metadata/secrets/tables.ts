// The secrets module's tables. Kysely table types; the module's migration creates them.
import type { Timestamp } from '../table-columns.ts';

export interface OrganizationSecretsTable {
  organization_internal_id: string;
  secret_name: string;
  sealed_value: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SecretTables {
  organization_secrets: OrganizationSecretsTable;
}

// The namespaces module's tables. Kysely table types; migration 0004 creates them.
import type { Json, NullableTimestamp, Timestamp } from '../table-columns.ts';

export interface NamespacesTable {
  namespace_id: string;
  organization_internal_id: string;
  namespace_name: string;
  description: string | null;
  feature_extractors: Json;
  payload_indexes: Json;
  auto_create_indexes: number;
  infrastructure: Json | null;
  status: string;
  expires_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface NamespaceTables {
  namespaces: NamespacesTable;
}

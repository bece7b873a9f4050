// The collections module's tables (collections and their source edges). Migration 0008 creates them.
import type { Json, Timestamp } from '../table-columns.ts';

export interface CollectionsTable {
  collection_id: string;
  organization_internal_id: string;
  namespace_id: string;
  collection_name: string;
  description: string | null;
  source: Json;
  input_schema: Json;
  output_schema: Json;
  feature_extractor: Json;
  vector_indexes: Json;
  tier: number;
  enabled: number;
  metadata: Json;
  /** What list filters read besides the columns: { enabled, metadata, source, feature_extractor }. */
  attributes: Json;
  schema_version: number;
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CollectionSourcesTable {
  collection_id: string;
  organization_internal_id: string;
  namespace_id: string;
  source_type: string;
  source_id: string;
}

export interface CollectionTables {
  collections: CollectionsTable;
  collection_sources: CollectionSourcesTable;
}

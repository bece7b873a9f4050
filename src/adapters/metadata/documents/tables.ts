// The documents module's tables (documents and their vectors). Migration 0009 creates them.
import type { ColumnType } from 'kysely';
import type { Json, Timestamp } from '../table-columns.ts';

export interface DocumentsTable {
  document_id: string;
  organization_internal_id: string;
  namespace_id: string;
  collection_id: string;
  fields: Json;
  root_object_id: string | null;
  root_bucket_id: string | null;
  source_type: string;
  source_object_id: string | null;
  source_document_id: string | null;
  source_collection_id: string | null;
  lineage_path: string;
  lineage_chain: Json;
  processing_tier: number;
  source_blobs: Json;
  internal_metadata: Json;
  batch_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Little-endian float32 bytes: bytea (PostgreSQL) / blob (SQLite), both read back as a Buffer. */
export type VectorBytes = ColumnType<Buffer | Uint8Array, Buffer, Buffer>;

export interface DocumentVectorsTable {
  document_id: string;
  index_name: string;
  organization_internal_id: string;
  namespace_id: string;
  collection_id: string;
  dimensions: number;
  vector: VectorBytes;
}

/** The change log search indexes apply (migration 0012). */
export interface DocumentChangesTable {
  seq: ColumnType<number, never, never>;
  organization_internal_id: string;
  namespace_id: string;
  collection_id: string;
  document_id: string | null;
  kind: string;
}

export interface DocumentTables {
  documents: DocumentsTable;
  document_vectors: DocumentVectorsTable;
  document_changes: DocumentChangesTable;
}

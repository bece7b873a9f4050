// The pgvector index's tables, in the metadata store's schema. They are derived data: created by
// the adapter when it opens (pgvector-schema.ts), not by a metadata migration, so the embedded
// deployment never needs the extension; dropping them loses nothing a rebuild cannot restore.
import type { ColumnType } from 'kysely';

export interface SearchVectorsTable {
  namespace_id: string;
  organization_internal_id: string;
  collection_id: string;
  document_id: string;
  vector_name: string;
  dimensions: number;
  /** The vector type without a dimension: one HNSW partial index per dimension casts it. */
  embedding: ColumnType<string, string, string>;
}

export interface SearchTextTable {
  document_id: string;
  namespace_id: string;
  organization_internal_id: string;
  collection_id: string;
  /** documentView(): what filters read. */
  view: unknown;
  /** The top-level string fields (IndexDocument.text). */
  text: unknown;
  tsv: unknown;
}

export interface SearchIndexStateTable {
  namespace_id: string;
  /** The last change-log sequence number applied. */
  applied_seq: number;
  /** While a rebuild scan runs: the sequence number it brings the namespace to; null otherwise. */
  rebuild_until: number | null;
  /** The rebuild scan's cursor (last document id written); null before its first page. */
  rebuild_after: string | null;
}

export interface SearchTables {
  search_vectors: SearchVectorsTable;
  search_text: SearchTextTable;
  search_index_state: SearchIndexStateTable;
}

// Document lists, filters and aggregations in SQL through the shared list-query compiler
// (adapters/metadata/query): system and lineage fields are columns, under their flat legacy names
// and their `_internal.…` paths alike; every other field is read from the user-field JSON column.
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../database-types.ts';
import { QueryCompiler, type FieldMap } from '../query/index.ts';
import { backendOf } from '../buckets/object-list.ts';
import { containsText } from '../like.ts';

const s = (column: string) => ({ column, kind: 'string' as const });
const t = (column: string) => ({ column, kind: 'datetime' as const });

export const DOCUMENT_FIELDS: FieldMap = {
  columns: {
    document_id: s('document_id'),
    collection_id: s('collection_id'),
    namespace_id: s('namespace_id'),
    created_at: t('created_at'),
    updated_at: t('updated_at'),
    root_object_id: s('root_object_id'),
    root_bucket_id: s('root_bucket_id'),
    source_type: s('source_type'),
    source_object_id: s('source_object_id'),
    source_document_id: s('source_document_id'),
    source_collection_id: s('source_collection_id'),
    lineage_path: s('lineage_path'),
    processing_tier: { column: 'processing_tier', kind: 'number' },
    batch_id: s('batch_id'),
    '_internal.document_id': s('document_id'),
    '_internal.collection_id': s('collection_id'),
    '_internal.namespace_id': s('namespace_id'),
    '_internal.created_at': t('created_at'),
    '_internal.updated_at': t('updated_at'),
    '_internal.batch_id': s('batch_id'),
    '_internal.processing_tier': { column: 'processing_tier', kind: 'number' },
    '_internal.lineage.root_object_id': s('root_object_id'),
    '_internal.lineage.root_bucket_id': s('root_bucket_id'),
    '_internal.lineage.source_type': s('source_type'),
    '_internal.lineage.source_object_id': s('source_object_id'),
    '_internal.lineage.source_document_id': s('source_document_id'),
    '_internal.lineage.source_collection_id': s('source_collection_id'),
    '_internal.lineage.path': s('lineage_path'),
  },
  json: 'fields',
  tiebreaker: 'document_id',
  searchFields: ['document_id'],
};

export function documentCompiler(db: Kysely<Database>): QueryCompiler {
  return new QueryCompiler(backendOf(db), DOCUMENT_FIELDS);
}

/** `search`: the document id or any user field's value contains the text (JSON text, like object lists). */
export function documentSearch(db: Kysely<Database>, compiler: QueryCompiler, text: string | null, caseSensitive: boolean) {
  if (text === null) return sql<SqlBool>`(1 = 1)`;
  const column = backendOf(db) === 'postgres' ? sql`(fields::text)` : sql`fields`;
  const inFields = caseSensitive ? containsText(column, text) : containsText(sql`lower(${column})`, text.toLowerCase());
  return sql<SqlBool>`(${compiler.search(text, caseSensitive)} OR ${inFields})`;
}

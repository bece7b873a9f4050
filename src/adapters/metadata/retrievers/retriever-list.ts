// Retriever lists through the shared list-query compiler: the retriever's own keys are columns;
// tags, collection_ids, stage ids and budget are read from the `attributes` JSON column.
import type { Kysely } from 'kysely';
import type { Database } from '../database-types.ts';
import { backendOf } from '../buckets/object-list.ts';
import { QueryCompiler, type FieldMap } from '../query/index.ts';

export const RETRIEVER_FIELDS: FieldMap = {
  columns: {
    retriever_id: { column: 'retriever_id', kind: 'string' },
    retriever_name: { column: 'retriever_name', kind: 'string' },
    description: { column: 'description', kind: 'string' },
    namespace_id: { column: 'namespace_id', kind: 'string' },
    version: { column: 'version', kind: 'number' },
    created_at: { column: 'created_at', kind: 'datetime' },
    updated_at: { column: 'updated_at', kind: 'datetime' },
    created_by: { column: 'created_by', kind: 'string' },
    updated_by: { column: 'updated_by', kind: 'string' },
  },
  json: 'attributes',
  tiebreaker: 'retriever_id',
  // tag_text: the tags joined by spaces, so `search` finds a retriever by tag.
  searchFields: ['retriever_id', 'retriever_name', 'description', 'tag_text'],
};

export function retrieverCompiler(db: Kysely<Database>): QueryCompiler {
  return new QueryCompiler(backendOf(db), RETRIEVER_FIELDS);
}

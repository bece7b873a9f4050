// Collection lists through the shared list-query compiler: the collection's own keys are columns,
// enabled / metadata.* / source.* / feature_extractor.* are read from the `attributes` JSON column.
import type { Kysely } from 'kysely';
import type { Database } from '../database-types.ts';
import { backendOf } from '../buckets/object-list.ts';
import { QueryCompiler, type FieldMap } from '../query/index.ts';

export const COLLECTION_FIELDS: FieldMap = {
  columns: {
    collection_id: { column: 'collection_id', kind: 'string' },
    collection_name: { column: 'collection_name', kind: 'string' },
    description: { column: 'description', kind: 'string' },
    namespace_id: { column: 'namespace_id', kind: 'string' },
    created_at: { column: 'created_at', kind: 'datetime' },
    updated_at: { column: 'updated_at', kind: 'datetime' },
    schema_version: { column: 'schema_version', kind: 'number' },
    processing_tier: { column: 'tier', kind: 'number' },
  },
  json: 'attributes',
  tiebreaker: 'collection_id',
  searchFields: ['collection_id', 'collection_name', 'description'],
};

export function collectionCompiler(db: Kysely<Database>): QueryCompiler {
  return new QueryCompiler(backendOf(db), COLLECTION_FIELDS);
}

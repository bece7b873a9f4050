// The conditions every query of the index carries: the tenant and the target collections (never
// one without the other), and the client's filter over the document view, compiled by the shared
// SQL compiler (adapters/metadata/query) so it means exactly what matches() means in memory.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { FilterNode } from '../../../engine/query/types.ts';
import type { SearchTarget } from '../../../engine/ports/search-index.ts';
import { InvalidSearchError } from '../../../engine/ports/search-index.ts';
import { QueryCompiler, type FieldMap } from '../../metadata/query/index.ts';

/**
 * Every field is read from the view (documentView: user fields at the root, system fields such as
 * document_id and _internal.lineage.root_object_id), with no typed columns: created_at is the ISO
 * string the view holds, compared as a string, as in memory.
 */
const VIEW_FIELDS: FieldMap = { columns: {}, json: 't.view', tiebreaker: 't.document_id', searchFields: [] };
const compiler = new QueryCompiler('postgres', VIEW_FIELDS);

/** `alias`'s rows of the target: organization, namespace and one of the collections. */
export function inTarget(alias: 't' | 'v', target: SearchTarget): RawBuilder<SqlBool> {
  if (target.collectionIds.length === 0) throw new InvalidSearchError('A search needs at least one collection', { collection_ids: [] });
  const a = sql.raw(alias);
  return sql<SqlBool>`(${a}.organization_internal_id = ${target.organizationInternalId} AND ${a}.namespace_id = ${target.namespaceId} AND ${a}.collection_id = ANY(${[...target.collectionIds]}::text[]))`;
}

/** The filter over search_text aliased `t` (TRUE for none). */
export function viewFilter(filter: FilterNode | null): RawBuilder<SqlBool> {
  return compiler.filter(filter);
}

export function checkCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidSearchError(`${name} must be an integer from 1 to ${max}`, { [name]: value });
}

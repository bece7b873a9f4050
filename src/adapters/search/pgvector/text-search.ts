// Full-text search with PostgreSQL's own machinery: each document's top-level string fields as a
// tsvector ('simple' configuration: lower-cased words, no stemming, no stop words, like the
// embedded index's tokens) under a GIN index, ranked by ts_rank_cd (cover density, normalised by
// document length). The query's words are OR-ed, as BM25 scores a document that has any of them:
// more of the words, and more often, ranks higher. Scores are PostgreSQL's ranks, not BM25's
// numbers: compare them within one search only.
import { sql, type Kysely } from 'kysely';
import type { FilterQuery, SearchHit, TextQuery } from '../../../engine/ports/search-index.ts';
import type { SearchTables } from './tables.ts';
import { checkCount, inTarget, viewFilter } from './target-sql.ts';
import { MAX_K } from './vector-search.ts';

export const MAX_FILTER_LIMIT = 100_000;
/** ts_rank_cd normalisation 1: divides by 1 + log(document length), so long documents do not win by size alone. */
const RANK_NORMALISATION = 1;

export async function searchText(db: Kysely<SearchTables>, query: TextQuery): Promise<SearchHit[]> {
  checkCount('k', query.k, MAX_K);
  if (query.text.trim() === '' || (query.fields !== null && query.fields.length === 0)) return [];
  // The query's lexemes, each quoted (a quote or backslash inside doubled), joined with OR; NULL
  // when the text has no words, and NULL matches nothing.
  const tsquery = sql`(SELECT (string_agg('''' || replace(replace(w, '\\', '\\\\'), '''', '''''') || '''', ' | '))::tsquery
    FROM unnest(tsvector_to_array(to_tsvector('simple', ${query.text}::text))) AS w)`;
  // Restricted to some fields: the tsvector of those fields only; the full one (GIN) narrows first.
  const vector =
    query.fields === null
      ? sql`t.tsv`
      : sql`jsonb_to_tsvector('simple', (SELECT COALESCE(jsonb_object_agg(f.key, f.value), '{}'::jsonb) FROM jsonb_each(t.text) AS f WHERE f.key = ANY(${[...query.fields]}::text[])), '["string"]')`;
  const { rows } = await sql<{ document_id: string; collection_id: string; score: number }>`
    WITH q AS MATERIALIZED (SELECT ${tsquery} AS query),
    matched AS (
      SELECT t.document_id, t.collection_id, ${vector} AS vector, q.query
      FROM search_text t, q
      WHERE ${inTarget('t', query)} AND t.tsv @@ q.query AND ${viewFilter(query.filter)}
    )
    SELECT document_id, collection_id, ts_rank_cd(vector, query, ${RANK_NORMALISATION}) AS score
    FROM matched
    WHERE vector @@ query
    ORDER BY score DESC, document_id COLLATE "C"
    LIMIT ${query.k}`.execute(db);
  return rows.map((r) => ({ documentId: r.document_id, collectionId: r.collection_id, score: Number(r.score) }));
}

export async function filterDocuments(db: Kysely<SearchTables>, query: FilterQuery): Promise<SearchHit[]> {
  checkCount('limit', query.limit, MAX_FILTER_LIMIT);
  const { rows } = await sql<{ document_id: string; collection_id: string }>`
    SELECT t.document_id, t.collection_id FROM search_text t
    WHERE ${inTarget('t', query)} AND ${viewFilter(query.filter)}
    ORDER BY t.document_id COLLATE "C"
    LIMIT ${query.limit}`.execute(db);
  return rows.map((r) => ({ documentId: r.document_id, collectionId: r.collection_id, score: 0 }));
}

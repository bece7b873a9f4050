// k nearest neighbours by cosine similarity, through the dimension's HNSW partial index.
//
// The query has the index's own shape (the same cast to vector(d), WHERE dimensions = d, ORDER BY
// distance LIMIT k) so the planner can use it; the planner still picks an exact scan when the
// target is small (the tenancy index narrows it to a few rows).
//
// With a filter, the matching documents are listed first, up to exactFilterMaxMatches (10,000):
// when that is all of them, their vectors are scanned exactly (a primary-key lookup each), which
// is both exact and about as fast as a graph walk that must pass ~100 rows per hit at 1 %
// (measured: the walk's recall@10 was 0.66 at 1 % and 0.88 at 10 % on bench/vector-data.ts).
// Beyond that, tenancy and the filter are conditions on the HNSW scan's rows: pgvector 0.8's
// iterative scan keeps walking until k rows pass them (or hnsw.max_scan_tuples is reached), in
// relaxed order, so the k rows are re-sorted exactly. When fewer than k come back, an exact scan
// of the target answers instead: a filtered search returns k hits whenever k documents match.
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { InvalidSearchError, type SearchHit, type VectorQuery } from '../../../engine/ports/search-index.ts';
import { MAX_VECTOR_DIMENSIONS } from './index-rows.ts';
import type { SearchTables } from './tables.ts';
import { checkCount, inTarget, viewFilter } from './target-sql.ts';
import { vectorLiteral } from './vector-literal.ts';

export const MAX_K = 10_000;

/** What every session of the index's pool starts with: pgvector 0.8's iterative scans, relaxed order (re-sorted here). */
export function annSessionSettings(settings: AnnSettings): Record<string, string | number> {
  return { 'hnsw.ef_search': settings.efSearch, 'hnsw.iterative_scan': 'relaxed_order', 'hnsw.max_scan_tuples': settings.maxScanTuples };
}

export interface AnnSettings {
  /** hnsw.ef_search: candidates kept during the walk (raised to k for a larger k, at most 1000). */
  efSearch: number;
  /** hnsw.max_scan_tuples: how far a filtered walk may go before it gives up. */
  maxScanTuples: number;
  /** A filter matching at most this many documents is answered by an exact scan of their vectors. */
  exactFilterMaxMatches: number;
}

export async function searchVectors(db: Kysely<SearchTables>, vectorSchema: string, query: VectorQuery, settings: AnnSettings): Promise<SearchHit[]> {
  checkCount('k', query.k, MAX_K);
  const dims = query.vector.length;
  const literal = dims > 0 && dims <= MAX_VECTOR_DIMENSIONS ? vectorLiteral(query.vector) : null;
  if (literal === null) throw new InvalidSearchError('The query vector must have 1 to 16,000 finite components', { dimensions: dims });
  if (!(await checkVectorName(db, query, dims))) return [];

  const type = sql.raw(`${vectorSchema}.vector(${dims})`);
  const operator = sql.raw(`OPERATOR(${vectorSchema}.<=>)`);
  const q = sql`${literal}::${type}`;
  const where = sql<SqlBool>`v.dimensions = ${dims} AND v.vector_name = ${query.vectorName} AND ${inTarget('v', query)}`;
  const filtered = query.filter !== null;
  const join = filtered ? sql`JOIN search_text t ON t.document_id = v.document_id AND ${inTarget('t', query)} AND ${viewFilter(query.filter)}` : sql``;
  // Cast to vector(d): the expression of the dimension's HNSW index. Uncast: no index can serve it.
  const annDistance = sql`(v.embedding::${type}) ${operator} ${q}`;
  const exactDistance = sql`v.embedding ${operator} ${sql`${literal}::${sql.raw(`${vectorSchema}.vector`)}`}`;
  const run = (distance: RawBuilder<unknown>) => sql<{ document_id: string; collection_id: string; distance: number }>`
    WITH candidates AS MATERIALIZED (
      SELECT v.document_id, v.collection_id, ${distance} AS distance
      FROM search_vectors v ${join}
      WHERE ${where}
      ORDER BY ${distance}
      LIMIT ${query.k}
    )
    SELECT document_id, collection_id, distance FROM candidates ORDER BY distance, document_id COLLATE "C"`;

  let rows: { document_id: string; collection_id: string; distance: number }[];
  const matching = filtered ? await matchingDocuments(db, query, settings.exactFilterMaxMatches) : null;
  if (matching !== null && matching.length <= settings.exactFilterMaxMatches) {
    if (matching.length === 0) return [];
    rows = (
      await sql<{ document_id: string; collection_id: string; distance: number }>`
        WITH candidates AS MATERIALIZED (
          SELECT v.document_id, v.collection_id, ${exactDistance} AS distance
          FROM search_vectors v
          WHERE v.document_id = ANY(${matching}::text[]) AND ${where}
          ORDER BY distance
          LIMIT ${query.k}
        )
        SELECT document_id, collection_id, distance FROM candidates ORDER BY distance, document_id COLLATE "C"`.execute(db)
    ).rows;
  } else if (query.exact) rows = (await run(exactDistance).execute(db)).rows;
  else if (query.k <= settings.efSearch) {
    // The session's own settings (annSessionSettings) apply.
    rows = (await run(annDistance).execute(db)).rows;
  } else {
    // More hits than the walk keeps by default: a wider one, for this query only.
    rows = await db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('hnsw.ef_search', ${String(Math.min(1000, query.k))}, true)`.execute(trx);
      return (await run(annDistance).execute(trx)).rows;
    });
  }
  // Fewer than k: the filter (or the tenancy conditions) let too few of the walked rows through.
  if (!query.exact && rows.length < query.k) rows = (await run(exactDistance).execute(db)).rows;
  return rows.map((r) => ({ documentId: r.document_id, collectionId: r.collection_id, score: 1 - Number(r.distance) }));
}

/** The target's documents that pass the filter, at most `max` + 1 of them (more: too many for an exact scan). */
async function matchingDocuments(db: Kysely<SearchTables>, query: VectorQuery, max: number): Promise<string[]> {
  const { rows } = await sql<{ document_id: string }>`
    SELECT t.document_id FROM search_text t WHERE ${inTarget('t', query)} AND ${viewFilter(query.filter)} LIMIT ${max + 1}`.execute(db);
  return rows.map((r) => r.document_id);
}

/**
 * The vector name's dimension in the target must be the query's: false when the target holds no
 * document at all (nothing to find, nothing to contradict), InvalidSearchError when its documents
 * have no vector of that name or have another dimension.
 */
async function checkVectorName(db: Kysely<SearchTables>, query: VectorQuery, dims: number): Promise<boolean> {
  const same = await sql<{ found: boolean }>`SELECT EXISTS (SELECT 1 FROM search_vectors v WHERE v.vector_name = ${query.vectorName} AND ${inTarget('v', query)} AND v.dimensions = ${dims}) AS found`.execute(db);
  if (same.rows[0]?.found) return true;
  const other = await sql<{ dimensions: number }>`SELECT v.dimensions FROM search_vectors v WHERE v.vector_name = ${query.vectorName} AND ${inTarget('v', query)} LIMIT 1`.execute(db);
  const expected = other.rows[0]?.dimensions;
  if (expected !== undefined) {
    throw new InvalidSearchError(`The query vector has ${dims} dimensions; '${query.vectorName}' has ${expected}`, { vector_name: query.vectorName, expected_dimensions: expected, dimensions: dims });
  }
  const any = await sql<{ found: boolean }>`SELECT EXISTS (SELECT 1 FROM search_text t WHERE ${inTarget('t', query)}) AS found`.execute(db);
  if (!any.rows[0]?.found) return false;
  throw new InvalidSearchError(`No vector named '${query.vectorName}' in the searched collections`, { vector_name: query.vectorName, collection_ids: query.collectionIds });
}

// Writes and removes the index's rows for documents: one search_text row per document (its view
// for filters, its string fields as a tsvector) and one search_vectors row per named vector. A
// document is always rewritten whole (delete, then insert), so a vector it lost disappears too.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { IndexDocument } from '../../../engine/documents/document-feed.ts';
import type { SearchTables } from './tables.ts';
import { vectorBinary } from './vector-literal.ts';

/** pgvector's `vector` type holds at most this many dimensions. */
export const MAX_VECTOR_DIMENSIONS = 16_000;
/** Vector rows per INSERT (7 parameters each, far below PostgreSQL's 65,535). */
const VECTOR_ROWS_PER_INSERT = 1000;
/**
 * Characters of a document's string fields that go into its tsvector (a tsvector holds at most
 * 1 MB; past this the rest of the text is not searchable by words, though filters still see it).
 */
export const MAX_INDEXED_TEXT = 250_000;

export interface WriteOutcome {
  /** Dimensions of the vectors written (the ANN indexes check them). */
  dimensions: Set<number>;
  /** Vectors left out (a component not finite, or too many dimensions). */
  skippedVectors: number;
}

/**
 * Replaces these documents' rows with their current content. `fresh`: the caller knows they have
 * no rows (a rebuild scan, after the namespace was cleared), so there is nothing to delete first.
 */
export async function writeDocuments(db: Kysely<SearchTables>, namespaceId: string, vectorSchema: string, documents: readonly IndexDocument[], fresh = false): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { dimensions: new Set(), skippedVectors: 0 };
  if (documents.length === 0) return outcome;
  if (!fresh) await deleteDocuments(db, namespaceId, documents.map((d) => d.documentId));
  const text = {
    doc: [] as string[],
    org: [] as string[],
    col: [] as string[],
    view: [] as string[],
    text: [] as string[],
  };
  const vectorRows: RawBuilder<unknown>[] = [];
  const vectorType = sql.raw(`${vectorSchema}.vector`);
  for (const d of documents) {
    if (d.namespaceId !== namespaceId) throw new Error(`writeDocuments: document ${d.documentId} is not in namespace ${namespaceId}`);
    text.doc.push(d.documentId);
    text.org.push(d.organizationInternalId);
    text.col.push(d.collectionId);
    text.view.push(JSON.stringify(d.view));
    text.text.push(JSON.stringify(boundedText(d.text)));
    for (const [name, vector] of Object.entries(d.vectors)) {
      const binary = vector.length > 0 && vector.length <= MAX_VECTOR_DIMENSIONS ? vectorBinary(vector) : null;
      // pgvector refuses NaN and infinities; one such vector must not stop the whole catch-up.
      if (binary === null) {
        outcome.skippedVectors++;
        continue;
      }
      vectorRows.push(sql`(${namespaceId}, ${d.organizationInternalId}, ${d.collectionId}, ${d.documentId}, ${name}, ${vector.length}::integer, ${binary}::${vectorType})`);
      outcome.dimensions.add(vector.length);
    }
  }
  await sql`
    INSERT INTO search_text (document_id, namespace_id, organization_internal_id, collection_id, view, text, tsv)
    SELECT r.doc, ${namespaceId}, r.org, r.col, r.view::jsonb, r.text::jsonb, jsonb_to_tsvector('simple', r.text::jsonb, '["string"]')
    FROM unnest(${text.doc}::text[], ${text.org}::text[], ${text.col}::text[], ${text.view}::text[], ${text.text}::text[]) AS r(doc, org, col, view, text)`.execute(db);
  for (let i = 0; i < vectorRows.length; i += VECTOR_ROWS_PER_INSERT) {
    await sql`
      INSERT INTO search_vectors (namespace_id, organization_internal_id, collection_id, document_id, vector_name, dimensions, embedding)
      VALUES ${sql.join(vectorRows.slice(i, i + VECTOR_ROWS_PER_INSERT))}`.execute(db);
  }
  return outcome;
}

/** Removes these documents (of this namespace only) from the index. */
export async function deleteDocuments(db: Kysely<SearchTables>, namespaceId: string, documentIds: readonly string[]): Promise<void> {
  if (documentIds.length === 0) return;
  const ids = [...new Set(documentIds)];
  await sql`DELETE FROM search_vectors WHERE namespace_id = ${namespaceId} AND document_id = ANY(${ids}::text[])`.execute(db);
  await sql`DELETE FROM search_text WHERE namespace_id = ${namespaceId} AND document_id = ANY(${ids}::text[])`.execute(db);
}

/** Removes the collection's documents whose ids are not in `keep` (a 'collection' change). */
export async function retainInCollection(db: Kysely<SearchTables>, namespaceId: string, collectionId: string, keep: readonly string[]): Promise<void> {
  const ids = [...keep];
  await sql`DELETE FROM search_vectors WHERE namespace_id = ${namespaceId} AND collection_id = ${collectionId} AND NOT (document_id = ANY(${ids}::text[]))`.execute(db);
  await sql`DELETE FROM search_text WHERE namespace_id = ${namespaceId} AND collection_id = ${collectionId} AND NOT (document_id = ANY(${ids}::text[]))`.execute(db);
}

/** Removes everything the index holds for the namespace. */
export async function clearNamespace(db: Kysely<SearchTables>, namespaceId: string): Promise<void> {
  await sql`DELETE FROM search_vectors WHERE namespace_id = ${namespaceId}`.execute(db);
  await sql`DELETE FROM search_text WHERE namespace_id = ${namespaceId}`.execute(db);
}

function boundedText(text: Record<string, string>): Record<string, string> {
  let budget = MAX_INDEXED_TEXT;
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(text)) {
    let kept = value.length <= budget ? value : value.slice(0, budget);
    // Never half a surrogate pair: jsonb refuses a lone one.
    if (kept.length < value.length && /[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
    out[field] = kept;
    budget -= kept.length;
  }
  return out;
}

// The documents' change log, as search indexes read it (src/engine/ports/search-index.ts).
//
// Every write of the documents repository appends here in the same transaction, so an index that
// has applied the log up to sequence N holds exactly the committed documents as of N. The log is
// per namespace in effect (every read names one) and global in order: sequence numbers only grow.
import { documentView } from './document-view.ts';
import type { StoredDocument } from './types.ts';

export type DocumentChangeKind =
  /** The document was inserted or replaced (fields, vectors or lineage). */
  | 'upsert'
  /** The document was deleted. */
  | 'delete'
  /**
   * Many documents of the collection changed at once (deleted by a filter, the collection
   * emptied): re-read the collection's document ids (documentIdsInCollection) and drop the others.
   */
  | 'collection';

export interface DocumentChange {
  seq: number;
  organizationInternalId: string;
  namespaceId: string;
  collectionId: string;
  /** null for 'collection' changes. */
  documentId: string | null;
  kind: DocumentChangeKind;
}

/** A document as an index needs it: the filterable view, its string fields and its vectors. */
export interface IndexDocument {
  documentId: string;
  organizationInternalId: string;
  namespaceId: string;
  collectionId: string;
  /** documentView(document): what filters see. */
  view: Record<string, unknown>;
  /** Top-level string fields of the user fields (BM25 indexes these). */
  text: Record<string, string>;
  /** Vector index name → vector. */
  vectors: Record<string, Float32Array>;
}

export interface DocumentFeedRepository {
  /** The highest sequence number of the namespace's changes (0 when none). */
  latestSeq(namespaceId: string): Promise<number>;
  /** The highest sequence number of the whole log (0 when empty). */
  latestSeqOverall(): Promise<number>;
  /** The smallest sequence number still in the log (0 when empty): an index behind it must rebuild. */
  oldestSeq(): Promise<number>;
  /** Changes of the namespace after `afterSeq`, in order, at most `limit`. */
  changesSince(namespaceId: string, afterSeq: number, limit: number): Promise<DocumentChange[]>;
  /** These documents of the namespace, with vectors; missing ids are left out. */
  documentsForIndex(namespaceId: string, documentIds: readonly string[]): Promise<IndexDocument[]>;
  /** The namespace's documents in document id order after `afterDocumentId` (rebuilds), with vectors. */
  scanNamespace(namespaceId: string, afterDocumentId: string | null, limit: number): Promise<IndexDocument[]>;
  /** Every document id of the collection ('collection' changes). */
  documentIdsInCollection(namespaceId: string, collectionId: string): Promise<string[]>;
  /** Namespaces that hold documents (rebuild everything). */
  namespacesWithDocuments(): Promise<string[]>;
  /** Removes changes up to and including `seq` (indexes that applied them no longer need them); returns how many. */
  pruneThrough(seq: number): Promise<number>;
}

/** The index view of a stored document (read with its vectors). */
export function toIndexDocument(d: StoredDocument): IndexDocument {
  const text: Record<string, string> = {};
  for (const [key, value] of Object.entries(d.fields)) if (typeof value === 'string') text[key] = value;
  return {
    documentId: d.documentId,
    organizationInternalId: d.organizationInternalId,
    namespaceId: d.namespaceId,
    collectionId: d.collectionId,
    view: documentView(d),
    text,
    vectors: d.vectors,
  };
}

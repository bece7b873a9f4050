// Everything the embedded index holds for one namespace: each document's filterable view, its
// text (BM25) and its vectors (one VectorSpace per vector name), and the change-log sequence
// number it reflects.
import type { IndexDocument } from '../../../engine/documents/document-feed.ts';
import { matches } from '../../../engine/query/index.ts';
import type { FilterNode } from '../../../engine/query/types.ts';
import { InvalidSearchError, type SearchHit } from '../../../engine/ports/search-index.ts';
import { TextIndex } from './text-index.ts';
import { VectorSpace } from './vector-space.ts';

interface Entry {
  organizationInternalId: string;
  collectionId: string;
  view: Record<string, unknown>;
  vectorNames: string[];
}

export class NamespaceIndex {
  readonly entries = new Map<string, Entry>();
  readonly spaces = new Map<string, VectorSpace>();
  readonly text = new TextIndex();
  appliedSeq = 0;

  constructor(readonly namespaceId: string) {}

  upsert(d: IndexDocument): void {
    this.remove(d.documentId);
    const vectorNames = Object.keys(d.vectors);
    for (const name of vectorNames) {
      const vector = d.vectors[name]!;
      let space = this.spaces.get(name);
      if (!space) this.spaces.set(name, (space = new VectorSpace(vector.length)));
      // A vector of another dimension under the same name cannot be compared: left out of search.
      if (space.dimensions === vector.length) space.set(d.documentId, vector);
    }
    this.text.set(d.documentId, d.text);
    this.entries.set(d.documentId, { organizationInternalId: d.organizationInternalId, collectionId: d.collectionId, view: d.view, vectorNames });
  }

  remove(documentId: string): void {
    const entry = this.entries.get(documentId);
    if (!entry) return;
    for (const name of entry.vectorNames) this.spaces.get(name)?.delete(documentId);
    this.text.delete(documentId);
    this.entries.delete(documentId);
  }

  /** The admission test of a search: tenant, target collections, filter. */
  acceptor(organizationInternalId: string, collectionIds: readonly string[], filter: FilterNode | null): (documentId: string) => boolean {
    const collections = new Set(collectionIds);
    return (documentId) => {
      const e = this.entries.get(documentId);
      return e !== undefined && e.organizationInternalId === organizationInternalId && collections.has(e.collectionId) && matches(filter, e.view);
    };
  }

  space(vectorName: string, dimensions: number): VectorSpace | null {
    const space = this.spaces.get(vectorName);
    if (!space) return null;
    if (space.dimensions !== dimensions) {
      throw new InvalidSearchError(`The query vector has ${dimensions} dimensions; '${vectorName}' holds ${space.dimensions}-dimensional vectors`, { vector_name: vectorName, expected: space.dimensions, got: dimensions });
    }
    return space;
  }

  hit(documentId: string, score: number): SearchHit {
    return { documentId, collectionId: this.entries.get(documentId)!.collectionId, score };
  }
}

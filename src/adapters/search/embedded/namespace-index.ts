// Everything the embedded index holds for one namespace: each document's filterable view, its
// text (BM25), its payload values (equality filters) and its vectors (one VectorSpace per vector
// name), and the change-log positions it reflects.
//
// Entries are immutable once stored (an update replaces the entry), so a snapshot writer can hold
// a list of them while catch-ups go on.
import type { IndexDocument } from '../../../engine/documents/document-feed.ts';
import { InvalidSearchError, type SearchHit } from '../../../engine/ports/search-index.ts';
import { PayloadIndex } from './payload-index.ts';
import { TextIndex } from './text-index.ts';
import { VectorSpace } from './vector-space.ts';

export interface Entry {
  readonly documentId: string;
  readonly organizationInternalId: string;
  readonly collectionId: string;
  /** Code of (organization, collection): what a search admits is checked on this number. */
  readonly owner: number;
  readonly view: Record<string, unknown>;
  readonly text: Record<string, string>;
  /** Vector name → slot in that name's space. */
  readonly slots: Readonly<Record<string, number>>;
}

export class NamespaceIndex {
  readonly entries = new Map<string, Entry>();
  readonly spaces = new Map<string, VectorSpace>();
  /** Built on the first text search (many namespaces are only searched by vector), then kept current. */
  private textIndex: TextIndex | null = null;
  readonly payload = new PayloadIndex(() => this.entries.values());
  /** The last change applied: the catch-up reads the changes after it. */
  appliedSeq = 0;
  /**
   * A position of the whole log up to which every change of this namespace is applied (at least
   * appliedSeq): if the log's oldest change is past it, changes may have been pruned unseen.
   */
  verifiedSeq = 0;
  /** Set when replaced (rebuilt, unloaded): background work for it stops installing results. */
  retired = false;
  private readonly ownerCodes = new Map<string, number>();
  private readonly ownerList: { organizationInternalId: string; collectionId: string }[] = [];
  private sortedIds: string[] | null = null;

  constructor(readonly namespaceId: string) {}

  upsert(d: IndexDocument): void {
    const existed = this.drop(d.documentId);
    const owner = this.ownerCode(d.organizationInternalId, d.collectionId);
    const slots: Record<string, number> = {};
    for (const [name, vector] of Object.entries(d.vectors)) {
      let space = this.spaces.get(name);
      if (!space) this.spaces.set(name, (space = new VectorSpace(vector.length)));
      // A vector of another dimension under the same name cannot be compared: left out of search.
      if (space.dimensions === vector.length) slots[name] = space.add(d.documentId, owner, vector);
    }
    this.store({ documentId: d.documentId, organizationInternalId: d.organizationInternalId, collectionId: d.collectionId, owner, view: d.view, text: d.text, slots });
    // Replacing a document keeps the id order; only a new id changes it.
    if (!existed) this.sortedIds = null;
  }

  /** Snapshot loading: an entry whose vectors are already in restored slots. */
  restore(e: Omit<Entry, 'owner'>): void {
    const owner = this.ownerCode(e.organizationInternalId, e.collectionId);
    for (const [name, slot] of Object.entries(e.slots)) this.spaces.get(name)!.attach(slot, e.documentId, owner);
    this.store({ ...e, owner });
    this.sortedIds = null;
  }

  remove(documentId: string): void {
    if (this.drop(documentId)) this.sortedIds = null;
  }

  /** Owner codes a search admits: 1 at the code of each (organization, target collection). */
  allowedOwners(organizationInternalId: string, collectionIds: readonly string[]): Uint8Array {
    const allowed = new Uint8Array(this.ownerList.length);
    for (const collectionId of collectionIds) {
      const code = this.ownerCodes.get(ownerKey(organizationInternalId, collectionId));
      if (code !== undefined) allowed[code] = 1;
    }
    return allowed;
  }

  admits(allowed: Uint8Array, documentId: string): boolean {
    const e = this.entries.get(documentId);
    return e !== undefined && allowed[e.owner] === 1;
  }

  get text(): TextIndex {
    if (!this.textIndex) {
      const index = new TextIndex();
      for (const e of this.entries.values()) index.set(e.documentId, e.text);
      this.textIndex = index;
    }
    return this.textIndex;
  }

  /** Document ids in order (filter-only searches page through them); kept until the next change. */
  idsInOrder(): readonly string[] {
    this.sortedIds ??= [...this.entries.keys()].sort();
    return this.sortedIds;
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

  private drop(documentId: string): boolean {
    const entry = this.entries.get(documentId);
    if (!entry) return false;
    for (const name of Object.keys(entry.slots)) this.spaces.get(name)?.remove(documentId);
    this.textIndex?.delete(documentId, entry.text);
    this.payload.remove(documentId, entry.view);
    this.entries.delete(documentId);
    return true;
  }

  private store(entry: Entry): void {
    this.textIndex?.set(entry.documentId, entry.text);
    this.payload.add(entry.documentId, entry.view);
    this.entries.set(entry.documentId, entry);
  }

  private ownerCode(organizationInternalId: string, collectionId: string): number {
    const key = ownerKey(organizationInternalId, collectionId);
    let code = this.ownerCodes.get(key);
    if (code === undefined) {
      code = this.ownerList.length;
      this.ownerCodes.set(key, code);
      this.ownerList.push({ organizationInternalId, collectionId });
    }
    return code;
  }
}

function ownerKey(organizationInternalId: string, collectionId: string): string {
  return `${organizationInternalId}\u0000${collectionId}`;
}

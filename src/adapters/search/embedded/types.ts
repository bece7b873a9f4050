// Shapes shared by the embedded index's modules (kept here so they do not import each other in a circle).

/** A slot of a vector space and its cosine similarity to a query. */
export interface SlotHit {
  slot: number;
  score: number;
}

/** A file of a snapshot as its manifest names it. */
export interface FileRef {
  name: string;
  bytes: number;
  sha256: string;
}

/** An ANN graph over a vector space's slots (ann-index.ts). */
export interface AnnGraph {
  /** The graph's file as a snapshot names it (null: not kept, no persistence). */
  readonly ref: FileRef | null;
  markDeleted(slot: number): void;
  /** The k nearest slots the graph holds (deleted ones never), best first; `filter` admits slots. */
  search(query: number[], k: number, filter?: (slot: number) => boolean): SlotHit[];
  close(): void;
}

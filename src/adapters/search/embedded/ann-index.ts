// An HNSW graph (hnswlib-node) over a vector space's slots, loaded on the main thread from the file
// a build worker wrote. Inner product on unit vectors is the cosine; hnswlib reports 1 − dot.
// Reading the file and searching never insert, so the event loop is never held by a build.
import { createRequire } from 'node:module';
import type { HierarchicalNSW as HnswType } from 'hnswlib-node';
import type { AnnGraph, FileRef, SlotHit } from './types.ts';

const require = createRequire(import.meta.url);
const { HierarchicalNSW } = require('hnswlib-node') as typeof import('hnswlib-node');

/** Graph parameters: M 16, efConstruction 100 (recall@10 ≥ 0.95 at efSearch ≥ 200 on clustered 384-d). */
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 100;

export class AnnIndex implements AnnGraph {
  private closed = false;

  private constructor(
    private readonly index: HnswType,
    readonly ref: FileRef | null,
    /** Labels in the graph, deleted ones included (hnswlib refuses k above it). */
    readonly capacity: number,
  ) {}

  static async load(file: string, dimensions: number, efSearch: number, ref: FileRef | null): Promise<AnnIndex> {
    const index = new HierarchicalNSW('ip', dimensions);
    await index.readIndex(file);
    if (index.getNumDimensions() !== dimensions) throw new Error(`${file}: a graph of ${index.getNumDimensions()} dimensions, expected ${dimensions}`);
    index.setEf(efSearch);
    return new AnnIndex(index, ref, index.getCurrentCount());
  }

  markDeleted(slot: number): void {
    this.index.markDelete(slot);
  }

  search(query: number[], k: number, filter?: (slot: number) => boolean): SlotHit[] {
    const n = Math.min(k, this.capacity);
    if (n <= 0 || this.closed) return [];
    const { distances, neighbors } = filter ? this.index.searchKnn(query, n, filter) : this.index.searchKnn(query, n);
    return neighbors.map((slot, i) => ({ slot, score: 1 - distances[i]! }));
  }

  setEf(efSearch: number): void {
    this.index.setEf(efSearch);
  }

  /** Retires the graph (a newer one replaced it): searches answer nothing; its memory goes with the object. */
  close(): void {
    this.closed = true;
  }
}

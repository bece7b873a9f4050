// One named vector of a namespace: unit vectors in one contiguous Float32Array (slots), so an
// exact scan is a tight dot-product loop over memory in order. Removed slots are reused.
import { TopK } from './top-k.ts';

export class VectorSpace {
  private data: Float32Array;
  private readonly slotOf = new Map<string, number>();
  private ids: (string | null)[] = [];
  private readonly free: number[] = [];

  constructor(readonly dimensions: number) {
    this.data = new Float32Array(dimensions * 64);
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(documentId: string): boolean {
    return this.slotOf.has(documentId);
  }

  /** Stores the vector normalised to unit length, so a dot product is the cosine similarity. */
  set(documentId: string, vector: Float32Array): void {
    let slot = this.slotOf.get(documentId);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.ids.length;
      if (slot === this.ids.length) this.ids.push(null);
      this.ensureCapacity(slot + 1);
      this.slotOf.set(documentId, slot);
      this.ids[slot] = documentId;
    }
    this.data.set(normalised(vector), slot * this.dimensions);
  }

  delete(documentId: string): void {
    const slot = this.slotOf.get(documentId);
    if (slot === undefined) return;
    this.slotOf.delete(documentId);
    this.ids[slot] = null;
    this.free.push(slot);
  }

  /** Exact top-k by cosine over the documents `accept` admits. */
  scan(query: Float32Array, k: number, accept: (documentId: string) => boolean): { documentId: string; score: number }[] {
    const q = normalised(query);
    const top = new TopK<string>(k);
    const d = this.dimensions;
    const data = this.data;
    for (let slot = 0; slot < this.ids.length; slot++) {
      const id = this.ids[slot];
      if (id === null || id === undefined) continue;
      let dot = 0;
      const base = slot * d;
      for (let i = 0; i < d; i++) dot += data[base + i]! * q[i]!;
      if (dot > top.threshold && accept(id)) top.push(dot, id);
    }
    return top.sorted().map(({ score, item }) => ({ documentId: item, score }));
  }

  private ensureCapacity(slots: number): void {
    if (slots * this.dimensions <= this.data.length) return;
    const grown = new Float32Array(Math.max(slots, this.ids.length * 2) * this.dimensions);
    grown.set(this.data);
    this.data = grown;
  }
}

function normalised(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / norm;
  return out;
}

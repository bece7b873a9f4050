// Synthetic embeddings and the exact scan that bench/vector-engines.ts measures.
//
// Uniform random 384-d vectors make every ANN index look bad (every point is almost equidistant
// from every other, so recall@10 of ~0.1 says nothing about real embeddings). Real text embeddings
// have low intrinsic dimension: they sit near a few directions per topic. The generator imitates
// that: each of C clusters has a unit centre and its own random 32-dimensional subspace; a point is
// centre + a gaussian combination of that subspace's basis + isotropic noise, normalised.
//
// The noise is deliberately not small. With small noise a point's score against any query of its
// cluster is dominated by its own noise's projection on the centre, a term that does not depend on
// the query, so every query of a cluster has nearly the same top 10 and any index finds it
// (recall 1.000 at every setting, which says nothing). With the default shape the query-specific
// terms dominate, and hnswlib's recall@10 moves with efSearch the way it does on real 384-d text
// embeddings (0.95 → 0.99 at 20k from efSearch 50 → 400). --subspace/--spread/--noise change it.
// Everything comes from seeded PRNGs, so a run is reproducible.

import { mulberry32 } from '../src/lib/prng.ts';

export const DIMENSIONS = 384;

export const prng = mulberry32;

/** Standard normal draws (Box–Muller, both values used). */
export function gaussian(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

export interface ClusterShape {
  clusters: number;
  /** Dimensions of each cluster's own subspace. */
  subspace: number;
  /** Standard deviation along each subspace direction (the basis vectors have unit length). */
  spread: number;
  /** Standard deviation of the isotropic noise, as a total norm (per coordinate: noise / √d). */
  noise: number;
}

export const DEFAULT_SHAPE: ClusterShape = { clusters: 100, subspace: 32, spread: 0.25, noise: 2.5 };

/** Draws points from a fixed set of clusters; data and queries come from two generators over the same clusters. */
export class ClusteredSource {
  private readonly centres: Float32Array[] = [];
  private readonly bases: Float32Array[][] = [];
  private readonly pick: () => number;
  private readonly normal: () => number;

  constructor(
    private readonly shape: ClusterShape,
    clusterSeed: number,
    drawSeed: number,
  ) {
    const normal = gaussian(prng(clusterSeed));
    const unitVector = (): Float32Array => normalise(Float32Array.from({ length: DIMENSIONS }, normal));
    for (let c = 0; c < shape.clusters; c++) {
      this.centres.push(unitVector());
      this.bases.push(Array.from({ length: shape.subspace }, unitVector));
    }
    this.pick = prng(drawSeed);
    this.normal = gaussian(prng(drawSeed ^ 0x9e3779b9));
  }

  /** Writes the next point into `out` (length DIMENSIONS), normalised. */
  next(out: Float32Array): void {
    const cluster = Math.floor(this.pick() * this.shape.clusters);
    out.set(this.centres[cluster]!);
    for (const direction of this.bases[cluster]!) {
      const weight = this.normal() * this.shape.spread;
      for (let i = 0; i < DIMENSIONS; i++) out[i]! += weight * direction[i]!;
    }
    const perCoordinate = this.shape.noise / Math.sqrt(DIMENSIONS);
    for (let i = 0; i < DIMENSIONS; i++) out[i]! += this.normal() * perCoordinate;
    normalise(out);
  }

  /** n points in one contiguous Float32Array (row i at [i·d, (i+1)·d)). */
  matrix(n: number): Float32Array {
    const data = new Float32Array(n * DIMENSIONS);
    for (let i = 0; i < n; i++) this.next(data.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS));
    return data;
  }
}

export function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const inverse = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i]! *= inverse;
  return v;
}

/**
 * The k best (highest score) of a stream: a min-heap of size k whose root is the worst kept, so
 * each candidate costs one comparison unless it beats the root.
 */
export class TopK {
  readonly ids: Int32Array;
  readonly scores: Float32Array;
  size = 0;

  constructor(readonly k: number) {
    this.ids = new Int32Array(k);
    this.scores = new Float32Array(k);
  }

  reset(): void {
    this.size = 0;
  }

  /** The lowest kept score, or -Infinity until k are kept. */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  push(id: number, score: number): void {
    const { ids, scores } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (scores[parent]! <= score) break;
        ids[i] = ids[parent]!;
        scores[i] = scores[parent]!;
        i = parent;
      }
      ids[i] = id;
      scores[i] = score;
      return;
    }
    if (score <= scores[0]!) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && scores[right]! < scores[left]! ? right : left;
      if (scores[child]! >= score) break;
      ids[i] = ids[child]!;
      scores[i] = scores[child]!;
      i = child;
    }
    ids[i] = id;
    scores[i] = score;
  }

  /** Ids, best first. */
  sortedIds(): number[] {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.scores[b]! - this.scores[a]! || this.ids[a]! - this.ids[b]!);
    return order.map((i) => this.ids[i]!);
  }
}

function dot(data: Float32Array, offset: number, query: Float32Array): number {
  // Four accumulators: independent chains the CPU can run in parallel (d = 384 is a multiple of 4).
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < DIMENSIONS; i += 4) {
    s0 += data[offset + i]! * query[i]!;
    s1 += data[offset + i + 1]! * query[i + 1]!;
    s2 += data[offset + i + 2]! * query[i + 2]!;
    s3 += data[offset + i + 3]! * query[i + 3]!;
  }
  return s0 + s1 + s2 + s3;
}

/** Exact top-k by inner product (cosine on unit vectors) over the first n rows. */
export function exactScan(data: Float32Array, n: number, query: Float32Array, top: TopK): number[] {
  top.reset();
  for (let row = 0; row < n; row++) top.push(row, dot(data, row * DIMENSIONS, query));
  return top.sortedIds();
}

/** Exact top-k over the rows in `ids` only: the filtered case, with the matching ids already known. */
export function exactScanSubset(data: Float32Array, ids: Uint32Array, query: Float32Array, top: TopK): number[] {
  top.reset();
  for (let j = 0; j < ids.length; j++) {
    const row = ids[j]!;
    top.push(row, dot(data, row * DIMENSIONS, query));
  }
  return top.sortedIds();
}

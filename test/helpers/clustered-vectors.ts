// Vectors shaped like real embeddings for ANN tests: clusters around random centres, spread along a
// shared low-dimensional subspace, plus a little isotropic noise (uniform random vectors would give
// every ANN poor recall and test nothing). Deterministic for a seed.

import { mulberry32 } from '../../src/lib/prng.ts';

export const seededRandom = mulberry32;

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** `n` unit vectors of `dimensions`, one after another in a single array. */
export function clusteredVectors(n: number, dimensions: number, { clusters = 50, latent = 16, noise = 0.05, seed = 1 } = {}): Float32Array {
  const random = seededRandom(seed);
  const basis = Array.from({ length: latent }, () => Float32Array.from({ length: dimensions }, () => gaussian(random)));
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dimensions }, () => gaussian(random)));
  const out = new Float32Array(n * dimensions);
  for (let i = 0; i < n; i++) {
    const centre = centres[Math.floor(random() * clusters)]!;
    const v = out.subarray(i * dimensions, (i + 1) * dimensions);
    for (let j = 0; j < dimensions; j++) v[j] = centre[j]! * 0.6 + gaussian(random) * noise;
    for (const b of basis) {
      const w = gaussian(random) * 0.35;
      for (let j = 0; j < dimensions; j++) v[j]! += w * b[j]!;
    }
    let norm = 0;
    for (let j = 0; j < dimensions; j++) norm += v[j]! * v[j]!;
    norm = Math.sqrt(norm);
    for (let j = 0; j < dimensions; j++) v[j]! /= norm;
  }
  return out;
}

export function vectorAt(data: Float32Array, i: number, dimensions: number): Float32Array {
  return data.slice(i * dimensions, (i + 1) * dimensions);
}

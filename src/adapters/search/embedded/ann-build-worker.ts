// The entry of an ANN build thread (ann-builder.ts): inserts the given slots of a vector space,
// read in place from its SharedArrayBuffer, into a new HNSW graph and writes it to a file. Inserts
// are the slow part (about 1–2 thousand 384-d vectors a second per core), which is why they run
// here and never on the main thread. Posts { progress } now and then, and { done } at the end.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

export interface AnnBuildTask {
  data: Float32Array;
  dimensions: number;
  slots: Int32Array;
  file: string;
  m: number;
  efConstruction: number;
}

export type AnnBuildMessage = { progress: number } | { done: true };

const require = createRequire(import.meta.url);
const { HierarchicalNSW } = require('hnswlib-node') as typeof import('hnswlib-node');

const { data, dimensions, slots, file, m, efConstruction } = workerData as AnnBuildTask;
const index = new HierarchicalNSW('ip', dimensions);
index.initIndex({ maxElements: Math.max(1, slots.length), m, efConstruction, randomSeed: 100 });
const point = new Array<number>(dimensions);
for (let i = 0; i < slots.length; i++) {
  const base = slots[i]! * dimensions;
  for (let j = 0; j < dimensions; j++) point[j] = data[base + j]!;
  index.addPoint(point, slots[i]!);
  if (i % 2000 === 1999) parentPort!.postMessage({ progress: i + 1 } satisfies AnnBuildMessage);
}
await index.writeIndex(file);
parentPort!.postMessage({ done: true } satisfies AnnBuildMessage);

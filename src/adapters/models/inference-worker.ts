// The entry of an inference worker thread (piscina, see inference-pool.ts): embeds one batch of
// texts per task with the models this thread has loaded. Answers a missing model as a value (the
// error's class would not survive the thread boundary); any other failure rejects the task.
import { workerData } from 'node:worker_threads';
import { ModelFilesMissingError, TransformersTextEmbedder, type ModelSpec, type TransformersSettings } from './transformers-text-embedder.ts';

export interface EmbedTask {
  model: ModelSpec;
  texts: string[];
}

export type EmbedResult = { ok: true; dimensions: number; data: Float32Array } | { ok: false; missing: true; message: string };

const embedder = new TransformersTextEmbedder(workerData as TransformersSettings);

export default async function embed(task: EmbedTask): Promise<EmbedResult> {
  try {
    // Copied back (structured clone): a batch's vectors are tens of kilobytes.
    const { dimensions, data } = await embedder.embed(task.model, task.texts);
    return { ok: true, dimensions, data };
  } catch (err) {
    if (err instanceof ModelFilesMissingError) return { ok: false, missing: true, message: err.message };
    throw err;
  }
}

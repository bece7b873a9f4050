// The built-in text embedder: feature-hashed word unigrams, word bigrams and character trigrams,
// sublinear TF, signed hashing, L2-normalised, fixed dimension. It is lexical, not semantic: texts
// that share words (or word pieces) come out close, paraphrases with no shared words do not. It
// needs no files and no network, so a default install processes and searches text end to end; a
// neural model in TESSERA_MODELS_DIR replaces it for new namespaces. Hand-written because no npm
// package offers a stable, dependency-free hashing vectoriser whose output we can pin (the vectors
// are stored: changing this code changes their meaning, so any change needs a new model name).
import type { TextModelInfo } from '../../engine/ports/inference.ts';

export const LEXICAL_MODEL: TextModelInfo = Object.freeze({
  name: 'tessera_lexical_v1',
  outputName: 'tessera_lexical_v1',
  dimensions: 384,
  distance: 'cosine',
  kind: 'lexical',
  inferenceServiceId: null,
  // Characters: longer texts are embedded from their start (chunk them with split_by).
  maxInputLength: 100_000,
} satisfies TextModelInfo);

const WORD = /[\p{L}\p{N}]+/gu;
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.25;

/** FNV-1a over UTF-16 code units, seeded by a feature-kind prefix so kinds do not collide systematically. */
function fnv1a(prefix: number, s: string): number {
  let h = (0x811c9dc5 ^ prefix) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32): FNV's low bits are weak for short keys.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Embeds one text; the empty text (no words) gives the zero vector. */
export function embedLexical(text: string, dimensions: number = LEXICAL_MODEL.dimensions): Float32Array {
  const out = new Float32Array(dimensions);
  const input = text.length > LEXICAL_MODEL.maxInputLength ? text.slice(0, LEXICAL_MODEL.maxInputLength) : text;
  const words = input.normalize('NFKC').toLowerCase().match(WORD) ?? [];
  if (words.length === 0) return out;
  const unigrams = new Map<string, number>();
  const bigrams = new Map<string, number>();
  const trigrams = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    count(unigrams, w);
    if (i > 0) count(bigrams, `${words[i - 1]!} ${w}`);
    const padded = `<${w}>`;
    for (let j = 0; j + 3 <= padded.length; j++) count(trigrams, padded.slice(j, j + 3));
  }
  const add = (counts: Map<string, number>, seed: number, weight: number) => {
    for (const [feature, tf] of counts) {
      const h = fnv1a(seed, feature);
      const sign = h & 0x80000000 ? -1 : 1;
      out[h % dimensions]! += sign * weight * (1 + Math.log(tf));
    }
  };
  add(unigrams, 1, UNIGRAM_WEIGHT);
  add(bigrams, 2, BIGRAM_WEIGHT);
  add(trigrams, 3, TRIGRAM_WEIGHT);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += out[i]! * out[i]!;
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) out[i]! *= inv;
  }
  return out;
}

// Fusing the ranked lists of several searches into one (feature_search with more than one search).
//
//   rrf       Σ wᵢ / (60 + rankᵢ)        ranks only: robust to scores on different scales (cosine, BM25)
//   weighted  Σ wᵢ · minmaxᵢ(score)       each list's scores min-max normalised to [0, 1]
//   max       max wᵢ · minmaxᵢ(score)
//   dbsf      Σ wᵢ · clamp((score − (μᵢ − 3σᵢ)) / 6σᵢ, 0, 1)   distribution-based score fusion
//
// A document missing from a list contributes nothing for it. A list whose scores are all equal
// normalises them to 1. Ties keep the document that ranked best in any list first, then the id.
import type { SearchHit } from '../ports/search-index.ts';

export const FUSION_METHODS = ['rrf', 'weighted', 'max', 'dbsf'] as const;
export type FusionMethod = (typeof FUSION_METHODS)[number];
export const RRF_K = 60;

export interface RankedList {
  hits: readonly SearchHit[];
  weight: number;
}

export function fuse(method: FusionMethod, lists: readonly RankedList[]): SearchHit[] {
  const fused = new Map<string, { hit: SearchHit; score: number; bestRank: number }>();
  for (const { hits, weight } of lists) {
    const normalised = method === 'rrf' ? null : method === 'dbsf' ? dbsfScores(hits) : minMaxScores(hits);
    hits.forEach((hit, index) => {
      const contribution = normalised === null ? weight / (RRF_K + index + 1) : weight * normalised[index]!;
      const entry = fused.get(hit.documentId);
      if (!entry) fused.set(hit.documentId, { hit, score: contribution, bestRank: index });
      else {
        entry.score = method === 'max' ? Math.max(entry.score, contribution) : entry.score + contribution;
        entry.bestRank = Math.min(entry.bestRank, index);
      }
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || (a.hit.documentId < b.hit.documentId ? -1 : a.hit.documentId > b.hit.documentId ? 1 : 0))
    .map(({ hit, score }) => ({ documentId: hit.documentId, collectionId: hit.collectionId, score }));
}

export function minMaxScores(hits: readonly SearchHit[]): number[] {
  if (hits.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const h of hits) {
    min = Math.min(min, h.score);
    max = Math.max(max, h.score);
  }
  const range = max - min;
  return hits.map((h) => (range > 0 ? (h.score - min) / range : 1));
}

export function dbsfScores(hits: readonly SearchHit[]): number[] {
  if (hits.length === 0) return [];
  const mean = hits.reduce((s, h) => s + h.score, 0) / hits.length;
  const sd = Math.sqrt(hits.reduce((s, h) => s + (h.score - mean) ** 2, 0) / hits.length);
  if (sd === 0) return hits.map(() => 1);
  const low = mean - 3 * sd;
  return hits.map((h) => Math.min(1, Math.max(0, (h.score - low) / (6 * sd))));
}

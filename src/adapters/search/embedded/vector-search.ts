// A vector search over one space, planned by what the filter leaves:
//
//   - few candidates (an equality filter's payload postings, or a target collection that is a small
//     share of the space): an exact scan of just those, with the full filter check;
//   - no ANN graph yet (a small space, or the first build still running), or `exact`: an exact scan;
//   - otherwise the HNSW graph for the documents it covers plus an exact scan of the fresh ones
//     (written since the graph's build), merged. An unfiltered search runs the graph without a
//     callback (its cost stays in C++); a broad filter over-fetches and filters the results; a
//     narrower one passes the filter to the graph. If the graph's answer is short of k, an exact
//     scan answers instead: a search returns k hits whenever k documents match.
//
// matches() is never called for an unfiltered search, and for a filtered one only on documents
// that could enter the top k.
import type { VectorQuery, SearchHit } from '../../../engine/ports/search-index.ts';
import { matches } from '../../../engine/query/index.ts';
import type { NamespaceIndex } from './namespace-index.ts';
import type { SlotHit } from './types.ts';
import { normalised, type VectorSpace } from './vector-space.ts';

/**
 * Vectors an exact scan may cover and stay within a few milliseconds: 2M floats is ~5k 384-d
 * vectors, ~2–4 ms at the 1.2–2M vectors/s one core scans.
 */
export function exactBudget(dimensions: number): number {
  return Math.max(256, Math.floor(2_000_000 / dimensions));
}

/** Below this share, an exact search evaluates the filter on every document before any dot product. */
const PREFILTER_SHARE = 0.25;
/** Filters admitting at least this share are over-fetched from the graph and filtered after. */
const BROAD_SHARE = 0.2;
/** Documents sampled to estimate a filter's share when the payload index cannot narrow it. */
const SAMPLE = 200;

export function searchSpace(ns: NamespaceIndex, space: VectorSpace, query: VectorQuery): SearchHit[] {
  const k = query.k;
  const allowed = ns.allowedOwners(query.organizationInternalId, query.collectionIds);
  const admittedCount = space.countFor(allowed);
  if (admittedCount === 0 || k <= 0) return [];
  const q = normalised(query.vector);
  const filter = query.filter;
  const admit = (slot: number): boolean => allowed[space.ownerAt(slot)] === 1;
  const accept = filter === null ? null : (slot: number): boolean => matches(filter, ns.entries.get(space.documentAt(slot)!)!.view);
  const toHits = (hits: SlotHit[]): SearchHit[] => hits.map((h) => ns.hit(space.documentAt(h.slot)!, h.score));
  const budget = exactBudget(space.dimensions);

  const candidates = filter === null ? null : ns.payload.candidates(filter);
  const candidateSlots = candidates === null ? null : slotsOf(space, candidates);
  let share: number | null = null;
  const shareOf = (): number => (share ??= estimateShare(space, admit, accept, candidateSlots));
  const exact = (): SearchHit[] => {
    // A filter the payload index could not narrow, passed by few: filtering first spares most dot products.
    if (accept !== null && candidateSlots === null && shareOf() <= PREFILTER_SHARE) {
      const passing: number[] = [];
      for (let slot = 0; slot < space.slotCount; slot++) if (space.documentAt(slot) !== null && admit(slot) && accept(slot)) passing.push(slot);
      return toHits(space.scan(q, k, admit, null, passing));
    }
    return toHits(space.scan(q, k, admit, accept, candidateSlots ?? undefined));
  };
  if (query.exact || space.ann === null) return exact();
  // Few candidates (by filter or by collection): scanning them beats any graph search.
  if ((candidateSlots !== null && candidateSlots.length <= budget) || admittedCount <= budget) return exact();

  const ann = space.ann;
  const point = Array.from(q);
  const fresh = (): SlotHit[] => (space.fresh.size === 0 ? [] : space.scan(q, k, admit, accept, space.fresh));
  const everyone = admittedCount === space.size;

  if (filter === null && everyone) {
    const hits = merge(ann.search(point, k), fresh(), k);
    return hits.length < Math.min(k, admittedCount) ? exact() : toHits(hits);
  }

  // Selective beyond what the payload index could see (a pattern, a string range): the graph would wander.
  if (shareOf() * space.size <= budget) return exact();

  if (shareOf() >= BROAD_SHARE) {
    const wanted = Math.ceil((k / shareOf()) * 1.5) + 10;
    const found = ann.search(point, wanted).filter((h) => admit(h.slot) && (accept === null || accept(h.slot)));
    if (found.length >= k) return toHits(merge(found.slice(0, k), fresh(), k));
  }

  const candidateSet = candidates;
  const passes = (slot: number): boolean => admit(slot) && (candidateSet === null || candidateSet.has(space.documentAt(slot)!)) && (accept === null || accept(slot));
  const hits = merge(ann.search(point, k, passes), fresh(), k);
  return hits.length < k ? exact() : toHits(hits);
}

function slotsOf(space: VectorSpace, documentIds: ReadonlySet<string>): number[] {
  const out: number[] = [];
  for (const id of documentIds) {
    const slot = space.slot(id);
    if (slot !== undefined) out.push(slot);
  }
  return out;
}

/** The share of the space a search admits, from its candidates or from evenly spaced samples. */
function estimateShare(space: VectorSpace, admit: (slot: number) => boolean, accept: ((slot: number) => boolean) | null, candidateSlots: number[] | null): number {
  const pool = candidateSlots ?? null;
  const total = pool ? pool.length : space.slotCount;
  const step = Math.max(1, Math.floor(total / SAMPLE));
  let seen = 0;
  let passed = 0;
  for (let i = 0; i < total; i += step) {
    const slot = pool ? pool[i]! : i;
    if (space.documentAt(slot) === null) continue;
    seen++;
    if (admit(slot) && (accept === null || accept(slot))) passed++;
  }
  if (seen === 0) return 1;
  const share = passed / seen;
  return pool ? (share * pool.length) / Math.max(1, space.size) : share;
}

function merge(a: SlotHit[], b: SlotHit[], k: number): SlotHit[] {
  if (b.length === 0) return a.slice(0, k);
  return [...a, ...b].sort((x, y) => y.score - x.score).slice(0, k);
}

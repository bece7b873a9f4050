// Splits one text into chunks for text_extractor (SPEC §14.2: split_by characters | words |
// sentences | paragraphs | pages | none, chunk_size 1-10000, chunk_overlap 0-5000). chunk_size and
// chunk_overlap count the split unit: characters for `characters`, words for `words`, and whole
// sentences / paragraphs / pages for the others (a chunk holds chunk_size of them). Deterministic:
// the same text and parameters give the same chunks, so reprocessing writes the same documents.

export const SPLIT_STRATEGIES = ['characters', 'words', 'sentences', 'paragraphs', 'pages', 'none'] as const;
export type SplitStrategy = (typeof SPLIT_STRATEGIES)[number];

export interface ChunkingOptions {
  splitBy: SplitStrategy;
  chunkSize: number;
  chunkOverlap: number;
}

/** The chunks of one text, in order; never empty (an empty text is one empty chunk). */
export function chunkText(text: string, options: ChunkingOptions): string[] {
  const { splitBy, chunkSize } = options;
  // An overlap as large as the chunk would never advance: keep at least one unit of progress.
  const overlap = Math.min(options.chunkOverlap, chunkSize - 1);
  if (splitBy === 'none' || text.length === 0) return [text];
  if (splitBy === 'characters') {
    const chars = Array.from(text);
    return windows(chars.length, chunkSize, overlap).map(([a, b]) => chars.slice(a, b).join(''));
  }
  const units = splitUnits(text, splitBy);
  if (units.length === 0) return [text];
  const joiner = splitBy === 'words' ? ' ' : splitBy === 'sentences' ? ' ' : splitBy === 'paragraphs' ? '\n\n' : '\f';
  return windows(units.length, chunkSize, overlap).map(([a, b]) => units.slice(a, b).join(joiner));
}

/** [start, end) windows of `size` over `count` units, each starting size − overlap after the last. */
function windows(count: number, size: number, overlap: number): [number, number][] {
  const out: [number, number][] = [];
  const step = size - overlap;
  for (let start = 0; start < count; start += step) {
    const end = Math.min(count, start + size);
    out.push([start, end]);
    if (end === count) break;
  }
  return out;
}

function splitUnits(text: string, splitBy: Exclude<SplitStrategy, 'none' | 'characters'>): string[] {
  switch (splitBy) {
    case 'words':
      return text.split(/\s+/u).filter((w) => w.length > 0);
    case 'sentences':
      // A sentence ends at . ! ? (or their CJK forms) followed by space or the end, or at a line break.
      return (text.match(/[^.!?。！？\n]+(?:[.!?。！？]+(?=\s|$)|[.!?。！？]+|\n|$)/gu) ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
    case 'paragraphs':
      return text.split(/\r?\n\s*\r?\n/u).map((p) => p.trim()).filter((p) => p.length > 0);
    case 'pages':
      // Form feeds separate pages (what PDF-to-text tools write).
      return text.split('\f').map((p) => p.trim()).filter((p) => p.length > 0);
  }
}

/** Tokens as text_extractor counts them for credits: whitespace-separated words, at least 1 per input. */
export function countTokens(text: string): number {
  let n = 0;
  for (const w of text.split(/\s+/u)) if (w.length > 0) n++;
  return Math.max(1, n);
}

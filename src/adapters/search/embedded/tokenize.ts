// Words for BM25: letters and digits of any script, lower-cased. The same function tokenises
// documents and queries, so a query term matches exactly the indexed terms.
const WORD = /[\p{L}\p{N}]+/gu;
/** Longer "words" are data (hashes, base64), not vocabulary. */
const MAX_TERM_LENGTH = 64;

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) if (m[0].length <= MAX_TERM_LENGTH) out.push(m[0]);
  return out;
}

// BM25 over a namespace's string fields: one inverted index per field name, so a search can name
// the fields it looks in and each field keeps its own length statistics (a title and a body are
// not normalised against each other). Okapi BM25 with the usual k1 = 1.2, b = 0.75.
import { tokenize } from './tokenize.ts';
import { TopK } from './top-k.ts';

const K1 = 1.2;
const B = 0.75;

class FieldIndex {
  /** term → document → term frequency */
  readonly postings = new Map<string, Map<string, number>>();
  readonly lengths = new Map<string, number>();
  totalLength = 0;

  add(documentId: string, text: string): void {
    const terms = tokenize(text);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [term, n] of tf) {
      let p = this.postings.get(term);
      if (!p) this.postings.set(term, (p = new Map()));
      p.set(documentId, n);
    }
    this.lengths.set(documentId, terms.length);
    this.totalLength += terms.length;
  }

  remove(documentId: string, text: string): void {
    for (const term of new Set(tokenize(text))) {
      const p = this.postings.get(term);
      if (!p) continue;
      p.delete(documentId);
      if (p.size === 0) this.postings.delete(term);
    }
    this.totalLength -= this.lengths.get(documentId) ?? 0;
    this.lengths.delete(documentId);
  }
}

export class TextIndex {
  private readonly fields = new Map<string, FieldIndex>();

  /** Indexes a document's fields; it must not be indexed already (delete it first). */
  set(documentId: string, text: Record<string, string>): void {
    for (const [field, value] of Object.entries(text)) {
      let index = this.fields.get(field);
      if (!index) this.fields.set(field, (index = new FieldIndex()));
      index.add(documentId, value);
    }
  }

  /** Removes a document indexed with exactly this text (the caller keeps it). */
  delete(documentId: string, text: Record<string, string>): void {
    for (const [field, value] of Object.entries(text)) this.fields.get(field)?.remove(documentId, value);
  }

  /** Top-k by the sum of the fields' BM25 scores; only documents `accept` admits. */
  search(query: string, fields: readonly string[] | null, k: number, accept: (documentId: string) => boolean): { documentId: string; score: number }[] {
    const terms = [...new Set(tokenize(query))];
    if (terms.length === 0) return [];
    const scores = new Map<string, number>();
    for (const [name, index] of this.fields) {
      if (fields !== null && !fields.includes(name)) continue;
      const n = index.lengths.size;
      if (n === 0) continue;
      const avgLength = index.totalLength / n || 1;
      for (const term of terms) {
        const postings = index.postings.get(term);
        if (!postings) continue;
        const idf = Math.log(1 + (n - postings.size + 0.5) / (postings.size + 0.5));
        for (const [documentId, tf] of postings) {
          const length = index.lengths.get(documentId) ?? 0;
          const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / avgLength));
          scores.set(documentId, (scores.get(documentId) ?? 0) + s);
        }
      }
    }
    const top = new TopK<string>(k);
    for (const [documentId, score] of scores) if (score > top.threshold && accept(documentId)) top.push(score, documentId);
    return top.sorted().map(({ score, item }) => ({ documentId: item, score }));
  }
}

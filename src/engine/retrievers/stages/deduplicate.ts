// deduplicate (SPEC §16): drops documents that repeat an earlier one (or, keep = "last", a later one).
//   field    documents with equal values in every one of `fields` (default document_id) are
//            duplicates; a document missing all of them is never a duplicate
//   content  documents whose `content_field` texts are equal after normalising whitespace (and
//            case, unless case_sensitive), or, below a threshold of 1, whose word 3-shingle sets
//            have a Jaccard similarity ≥ similarity_threshold
// Output keeps the input's order.
import { parseFieldPath, readPath } from '../../query/index.ts';
import { booleanParameter, enumParameter, numberParameter, parametersObject, stringListParameter, stringParameter, type ParameterReader } from './parameters.ts';
import { fieldsWithScore } from './document-fields.ts';
import type { ExecutionDocument, StageDefinition } from './stage-definition.ts';

/** Pairwise similarity checks per run; past it only exact (normalised) equality is looked for. */
const MAX_COMPARISONS = 2_000_000;

function read(parameters: unknown, r: ParameterReader) {
  const p = parametersObject(parameters, r.at);
  const out: Record<string, unknown> = {
    strategy: enumParameter(p.strategy ?? p.method, r, `${r.at}.strategy`, ['field', 'content'] as const, 'field'),
    similarity_threshold: numberParameter(p.similarity_threshold, r, `${r.at}.similarity_threshold`, { min: 0, max: 1, default: 0.95 }),
    keep: enumParameter(p.keep, r, `${r.at}.keep`, ['first', 'last'] as const, 'first'),
    case_sensitive: booleanParameter(p.case_sensitive, r, `${r.at}.case_sensitive`, true),
  };
  const fields = stringListParameter(p.fields ?? p.field, r, `${r.at}.fields`, { maxItems: 20 });
  if (Array.isArray(fields)) fields.forEach((f, i) => parseFieldPath(f, `${r.at}.fields[${i}]`, 'invalid_stage_parameters'));
  out.fields = fields ?? ['document_id'];
  const content = stringParameter(p.content_field, r, `${r.at}.content_field`, { maxLength: 500 }) ?? 'content';
  parseFieldPath(content, `${r.at}.content_field`, 'invalid_stage_parameters');
  out.content_field = content;
  return out;
}

function normalise(text: string, caseSensitive: boolean): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return caseSensitive ? t : t.toLowerCase();
}

function shingles(text: string): Set<string> {
  const words = text.split(' ').filter(Boolean);
  const out = new Set<string>();
  if (words.length < 3) {
    out.add(words.join(' '));
    return out;
  }
  for (let i = 0; i + 3 <= words.length; i++) out.add(words.slice(i, i + 3).join(' '));
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const s of small) if (large.has(s)) inter++;
  return inter / (a.size + b.size - inter);
}

export interface DedupeOptions {
  strategy: string;
  fields: string[];
  content_field: string;
  similarity_threshold: number;
  keep: string;
  case_sensitive: boolean;
}

export function deduplicateDocuments(input: readonly ExecutionDocument[], p: DedupeOptions): { documents: ExecutionDocument[]; capped: boolean } {
  const order = p.keep === 'last' ? input.map((_, i) => input.length - 1 - i) : input.map((_, i) => i);
  const kept: number[] = [];
  let capped = false;
  if (p.strategy === 'field') {
    const seen = new Set<string>();
    for (const i of order) {
      const view = fieldsWithScore(input[i]!);
      const values = p.fields.map((f) => {
        const v = readPath(view, f);
        return typeof v === 'string' && !p.case_sensitive ? v.toLowerCase() : v;
      });
      if (values.every((v) => v === undefined || v === null)) {
        kept.push(i);
        continue;
      }
      const key = JSON.stringify(values.map((v) => v ?? null));
      if (seen.has(key)) continue;
      seen.add(key);
      kept.push(i);
    }
  } else {
    const exact = new Set<string>();
    const keptShingles: Set<string>[] = [];
    let comparisons = 0;
    for (const i of order) {
      const raw = readPath(fieldsWithScore(input[i]!), p.content_field);
      if (typeof raw !== 'string') {
        kept.push(i);
        continue;
      }
      const text = normalise(raw, p.case_sensitive);
      if (exact.has(text)) continue;
      if (p.similarity_threshold < 1) {
        const mine = shingles(text);
        let duplicate = false;
        if (comparisons + keptShingles.length <= MAX_COMPARISONS) {
          comparisons += keptShingles.length;
          duplicate = keptShingles.some((other) => jaccard(mine, other) >= p.similarity_threshold);
        } else capped = true;
        if (duplicate) continue;
        keptShingles.push(mine);
      }
      exact.add(text);
      kept.push(i);
    }
  }
  return { documents: kept.sort((a, b) => a - b).map((i) => input[i]!), capped };
}

export const deduplicateStage: StageDefinition = {
  stageId: 'deduplicate',
  category: 'reduce',
  description: 'Drop duplicate documents by field values or by (near-)identical content.',
  icon: 'copy-minus',
  parameterSchema: {
    type: 'object',
    properties: {
      strategy: { type: 'string', enum: ['field', 'content'], default: 'field' },
      fields: { type: 'array', items: { type: 'string' }, default: ['document_id'], description: 'strategy "field": documents equal in all of these are duplicates.' },
      content_field: { type: 'string', default: 'content', description: 'strategy "content": the text compared.' },
      similarity_threshold: { type: 'number', minimum: 0, maximum: 1, default: 0.95, description: 'strategy "content": word 3-shingle Jaccard similarity at or above which texts are duplicates (1 = identical after normalising whitespace).' },
      keep: { type: 'string', enum: ['first', 'last'], default: 'first' },
      case_sensitive: { type: 'boolean', default: true },
    },
  },

  validate(parameters, at) {
    return read(parameters, { at, templates: true });
  },

  async run(input, parameters) {
    const p = read(parameters, { at: 'parameters', templates: false }) as unknown as DedupeOptions;
    const { documents, capped } = deduplicateDocuments(input, p);
    return { documents, metadata: { removed: input.length - documents.length, ...(capped ? { similarity_comparisons_capped: true } : {}) } };
  },
};

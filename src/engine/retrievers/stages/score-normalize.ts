// score_normalize (SPEC §16): rescales the scores of the documents in flight.
//   min_max  to [min_value, max_value] (default [0, 1]); all equal → max_value
//   z_score  (s − mean) / sd; sd 0 → 0
//   softmax  exp(s − max) / Σ
//   l2       s / ‖s‖₂; all zero → 0
// The result replaces `score` (sort stays as it was), or with output_field is written to that
// field and `score` is kept.
import { parseFieldPath, readPath } from '../../query/index.ts';
import { enumParameter, invalidParameter, numberParameter, parametersObject, stringParameter, type ParameterReader } from './parameters.ts';
import { fieldsWithScore } from './document-fields.ts';
import type { StageDefinition } from './stage-definition.ts';

const METHODS = ['min_max', 'z_score', 'softmax', 'l2'] as const;

function read(parameters: unknown, r: ParameterReader) {
  const p = parametersObject(parameters, r.at);
  const scoreField = stringParameter(p.score_field, r, `${r.at}.score_field`, { maxLength: 500 }) ?? 'score';
  parseFieldPath(scoreField, `${r.at}.score_field`, 'invalid_stage_parameters');
  const out: Record<string, unknown> = {
    method: enumParameter(p.method, r, `${r.at}.method`, METHODS, 'min_max'),
    score_field: scoreField,
    min_value: numberParameter(p.min_value, r, `${r.at}.min_value`, { default: 0 }),
    max_value: numberParameter(p.max_value, r, `${r.at}.max_value`, { default: 1 }),
  };
  const output = stringParameter(p.output_field, r, `${r.at}.output_field`, { maxLength: 200 });
  if (output !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(output) || output === 'score') invalidParameter(`${r.at}.output_field`, 'expected a top-level field name (not score)');
    out.output_field = output;
  }
  if (typeof out.min_value === 'number' && typeof out.max_value === 'number' && out.min_value > out.max_value) invalidParameter(`${r.at}.min_value`, 'must not exceed max_value');
  return out;
}

export function normaliseScores(scores: readonly number[], method: string, min = 0, max = 1): number[] {
  if (scores.length === 0) return [];
  switch (method) {
    case 'z_score': {
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
      return scores.map((s) => (sd === 0 ? 0 : (s - mean) / sd));
    }
    case 'softmax': {
      const top = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - top));
      const sum = exps.reduce((a, b) => a + b, 0);
      return exps.map((e) => e / sum);
    }
    case 'l2': {
      const norm = Math.sqrt(scores.reduce((a, b) => a + b * b, 0));
      return scores.map((s) => (norm === 0 ? 0 : s / norm));
    }
    default: {
      const lo = Math.min(...scores);
      const hi = Math.max(...scores);
      return scores.map((s) => (hi === lo ? max : min + ((s - lo) / (hi - lo)) * (max - min)));
    }
  }
}

export const scoreNormalizeStage: StageDefinition = {
  stageId: 'score_normalize',
  category: 'sort',
  description: 'Rescale scores (min-max, z-score, softmax or L2) so they compare across searches.',
  icon: 'scale',
  parameterSchema: {
    type: 'object',
    properties: {
      method: { type: 'string', enum: [...METHODS], default: 'min_max' },
      score_field: { type: 'string', default: 'score', description: 'The numeric field normalised (documents without a number there count as 0).' },
      output_field: { type: 'string', description: 'Write the result to this field and keep score; default: replace score.' },
      min_value: { type: 'number', default: 0, description: 'min_max: the lower end of the range.' },
      max_value: { type: 'number', default: 1, description: 'min_max: the upper end of the range.' },
    },
  },

  validate(parameters, at) {
    return read(parameters, { at, templates: true });
  },

  async run(input, parameters) {
    const p = read(parameters, { at: 'parameters', templates: false }) as { method: string; score_field: string; output_field?: string; min_value: number; max_value: number };
    const raw = input.map((d) => {
      const v = readPath(fieldsWithScore(d), p.score_field);
      return typeof v === 'number' && Number.isFinite(v) ? v : 0;
    });
    const scores = normaliseScores(raw, p.method, p.min_value, p.max_value);
    const documents = input.map((d, i) =>
      p.output_field !== undefined ? { ...d, fields: { ...d.fields, [p.output_field]: scores[i]! } } : { ...d, score: scores[i]! },
    );
    return { documents, metadata: { method: p.method } };
  },
};

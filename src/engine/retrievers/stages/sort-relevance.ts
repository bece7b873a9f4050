// sort_relevance (SPEC §16): orders documents by score (or a numeric field), optionally min-max
// normalising the scores first. Ties keep their previous order.
import { parseFieldPath, readPath } from '../../query/index.ts';
import { booleanParameter, enumParameter, parametersObject, stringParameter, type ParameterReader } from './parameters.ts';
import { fieldsWithScore } from './document-fields.ts';
import type { StageDefinition } from './stage-definition.ts';
import { minMaxScores } from '../fusion.ts';

function read(parameters: unknown, r: ParameterReader) {
  const p = parametersObject(parameters, r.at);
  const field = stringParameter(p.score_field, r, `${r.at}.score_field`, { maxLength: 500 }) ?? 'score';
  parseFieldPath(field, `${r.at}.score_field`, 'invalid_stage_parameters');
  return {
    score_field: field,
    order: enumParameter(p.order ?? p.direction, r, `${r.at}.order`, ['asc', 'desc'] as const, 'desc'),
    normalize: booleanParameter(p.normalize, r, `${r.at}.normalize`, false),
  };
}

export const sortRelevanceStage: StageDefinition = {
  stageId: 'sort_relevance',
  category: 'sort',
  description: 'Sort documents by relevance score (or another numeric field).',
  icon: 'arrow-down-wide-narrow',
  parameterSchema: {
    type: 'object',
    properties: {
      score_field: { type: 'string', default: 'score', description: 'The field holding the score; `score` is the relevance so far.' },
      order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
      normalize: { type: 'boolean', default: false, description: 'Rescale the scores to [0, 1] (min-max) before sorting.' },
    },
  },

  validate(parameters, at) {
    return read(parameters, { at, templates: true });
  },

  async run(input, parameters) {
    const p = read(parameters, { at: 'parameters', templates: false });
    const keyed = input.map((d, i) => {
      const v = readPath(fieldsWithScore(d), p.score_field);
      return { d, i, key: typeof v === 'number' && Number.isFinite(v) ? v : null };
    });
    let documents = input.slice();
    if (p.normalize === true && p.score_field === 'score') {
      const scores = minMaxScores(input.map((d) => ({ documentId: d.documentId, collectionId: d.collectionId, score: d.score })));
      documents = input.map((d, i) => ({ ...d, score: scores[i]! }));
      keyed.forEach((k, i) => (k.key = scores[i]!));
    }
    const sign = p.order === 'asc' ? 1 : -1;
    keyed.sort((a, b) => (a.key === null ? (b.key === null ? a.i - b.i : 1) : b.key === null ? -1 : sign * (a.key - b.key) || a.i - b.i));
    return { documents: keyed.map((k) => documents[k.i]!) };
  },
};

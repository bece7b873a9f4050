// sort_attribute (SPEC §16): orders documents by a field. Documents without the field (or with
// null) go last unless null_handling is "first"; ties keep their previous order (stable sort).
import { compareBySort, readPath } from '../../query/index.ts';
import { parseFieldPath } from '../../query/index.ts';
import { isTemplate } from '../template.ts';
import { enumParameter, invalidParameter, parametersObject, stringParameter, type ParameterReader } from './parameters.ts';
import { fieldsWithScore } from './document-fields.ts';
import type { StageDefinition } from './stage-definition.ts';

function read(parameters: unknown, r: ParameterReader) {
  const p = parametersObject(parameters, r.at);
  const fieldAt = p.sort_field !== undefined ? `${r.at}.sort_field` : `${r.at}.field`;
  const field = stringParameter(p.sort_field ?? p.field, r, fieldAt, { required: true, maxLength: 500 })!;
  if (!isTemplate(field)) parseFieldPath(field, fieldAt, 'invalid_stage_parameters');
  const orderAt = p.order !== undefined ? `${r.at}.order` : `${r.at}.direction`;
  return {
    sort_field: field,
    order: enumParameter(p.order ?? p.direction, r, orderAt, ['asc', 'desc'] as const, 'desc'),
    null_handling: enumParameter(p.null_handling, r, `${r.at}.null_handling`, ['first', 'last'] as const, 'last'),
  };
}

export const sortAttributeStage: StageDefinition = {
  stageId: 'sort_attribute',
  category: 'sort',
  description: 'Sort documents by a field, ascending or descending; documents without it last (or first).',
  icon: 'arrow-up-down',
  parameterSchema: {
    type: 'object',
    properties: {
      sort_field: { type: 'string', description: 'Dot-delimited field path (alias: field). `score` sorts by relevance.', examples: ['metadata.price', 'created_at'] },
      order: { type: 'string', enum: ['asc', 'desc'], default: 'desc', description: 'Alias: direction.' },
      null_handling: { type: 'string', enum: ['first', 'last'], default: 'last', description: 'Where documents without the field go.' },
    },
    required: ['sort_field'],
  },

  validate(parameters, at) {
    return read(parameters, { at, templates: true });
  },

  async run(input, parameters) {
    const p = read(parameters, { at: 'parameters', templates: false });
    if (isTemplate(p.sort_field)) invalidParameter('parameters.sort_field', 'expected a field path');
    const sort = [{ field: p.sort_field, direction: p.order as 'asc' | 'desc' }];
    const views = input.map((d) => ({ d, v: fieldsWithScore(d) }));
    const present = views.filter(({ v }) => { const x = readPath(v, p.sort_field); return x !== undefined && x !== null; });
    const missing = views.filter(({ v }) => { const x = readPath(v, p.sort_field); return x === undefined || x === null; });
    present.sort((a, b) => compareBySort(sort, a.v, b.v));
    const ordered = p.null_handling === 'first' ? [...missing, ...present] : [...present, ...missing];
    return { documents: ordered.map(({ d }) => d), metadata: { without_field: missing.length } };
  },
};

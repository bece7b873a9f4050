// limit (SPEC §16): keeps `limit` documents after skipping `offset`.
import { integerParameter, parametersObject, type ParameterReader } from './parameters.ts';
import type { StageDefinition } from './stage-definition.ts';

function read(parameters: unknown, r: ParameterReader) {
  const p = parametersObject(parameters, r.at);
  return {
    limit: integerParameter(p.limit ?? p.top_k, r, `${r.at}.limit`, { min: 1, max: 10_000, default: 10 }),
    offset: integerParameter(p.offset, r, `${r.at}.offset`, { min: 0, max: 10_000, default: 0 }),
  };
}

export const limitStage: StageDefinition = {
  stageId: 'limit',
  category: 'reduce',
  description: 'Keep the first `limit` documents after skipping `offset`.',
  icon: 'list-end',
  parameterSchema: {
    type: 'object',
    properties: {
      limit: { anyOf: [{ type: 'integer', minimum: 1, maximum: 10000 }, { type: 'string' }], default: 10 },
      offset: { anyOf: [{ type: 'integer', minimum: 0, maximum: 10000 }, { type: 'string' }], default: 0 },
    },
  },

  validate(parameters, at) {
    return read(parameters, { at, templates: true });
  },

  async run(input, parameters) {
    const p = read(parameters, { at: 'parameters', templates: false });
    const offset = p.offset as number;
    return { documents: input.slice(offset, offset + (p.limit as number)) };
  },
};

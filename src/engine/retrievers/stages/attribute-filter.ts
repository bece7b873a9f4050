// attribute_filter (SPEC §16): a predicate over document fields. As the first stage it fetches the
// matching documents from the index (at most 1,000 per collection, in document id order); later
// it filters its input in memory with the same semantics (src/engine/query matches()).
//
// Parameters: one condition `{field, operator = "eq", value, case_insensitive = false}`, or a
// filter tree as `conditions` or at the top level (`AND`/`OR`/`NOT`), values templated as in
// filters.ts. A missing field never matches (except ne/nin/is_null, as in list filters).
import { matches } from '../../query/index.ts';
import type { FilterNode } from '../../query/types.ts';
import { checkFilterParameter, resolveFilterParameter } from './filters.ts';
import { booleanParameter, invalidParameter, parametersObject, stringListParameter, type ParameterReader } from './parameters.ts';
import { fieldsWithScore } from './document-fields.ts';
import { indexCall, searchedCollections, searchTarget } from './search-common.ts';
import type { ExecutionDocument, StageDefinition } from './stage-definition.ts';

/** Documents a first-stage attribute_filter fetches per collection (SPEC §16). */
export const FIRST_STAGE_LIMIT_PER_COLLECTION = 1000;

interface AttributeFilterParameters {
  filter: unknown;
  case_insensitive: boolean | string;
  collection_identifiers?: string[] | string;
}

function filterOf(p: Record<string, unknown>, at: string): { raw: unknown; at: string } {
  if (p.conditions !== undefined && p.conditions !== null) return { raw: p.conditions, at: `${at}.conditions` };
  if (p.filters !== undefined && p.filters !== null) return { raw: p.filters, at: `${at}.filters` };
  if (p.AND !== undefined || p.OR !== undefined || p.NOT !== undefined) {
    const tree: Record<string, unknown> = {};
    for (const k of ['AND', 'OR', 'NOT', 'case_sensitive']) if (p[k] !== undefined) tree[k] = p[k];
    return { raw: tree, at };
  }
  if (p.field !== undefined) {
    if (!('value' in p) && p.operator !== 'exists' && p.operator !== 'is_null') invalidParameter(`${at}.value`, 'is required');
    const condition: Record<string, unknown> = { field: p.field, operator: p.operator ?? 'eq' };
    if ('value' in p) condition.value = p.value;
    return { raw: condition, at };
  }
  return invalidParameter(at, 'expected {field, operator, value}, `conditions`, or AND/OR/NOT');
}

function read(parameters: unknown, r: ParameterReader): AttributeFilterParameters {
  const p = parametersObject(parameters, r.at);
  const caseInsensitive = booleanParameter(p.case_insensitive, r, `${r.at}.case_insensitive`, false);
  const { raw, at } = filterOf(p, r.at);
  const out: AttributeFilterParameters = {
    filter: r.templates ? checkFilterParameter(raw, at, caseInsensitive !== true) : raw,
    case_insensitive: caseInsensitive,
  };
  const collections = stringListParameter(p.collection_identifiers, r, `${r.at}.collection_identifiers`, { maxItems: 100 });
  if (collections !== undefined) out.collection_identifiers = collections;
  return out;
}

export const attributeFilterStage: StageDefinition = {
  stageId: 'attribute_filter',
  aliases: ['structured_filter', 'filter'],
  category: 'filter',
  description: 'Filter documents by attribute conditions with boolean logic (AND/OR/NOT). As the first stage it fetches matching documents (up to 1,000 per collection).',
  icon: 'filter',
  parameterSchema: {
    type: 'object',
    properties: {
      field: { type: 'string', description: 'Dot-delimited field path', examples: ['metadata.status', 'category'] },
      operator: { type: 'string', enum: ['eq', 'ne', 'gt', 'lt', 'gte', 'lte', 'in', 'nin', 'contains', 'starts_with', 'ends_with', 'regex', 'exists', 'is_null', 'text'], default: 'eq' },
      value: { description: 'Comparison value (a template such as "{{INPUT.min_price}}" allowed)' },
      case_insensitive: { type: 'boolean', default: false, description: 'Fold case in string comparisons.' },
      conditions: { type: 'object', description: 'A filter tree (SPEC §0.4): {AND|OR|NOT: [...]}, conditions {field, operator, value}.', additionalProperties: true },
      AND: { type: 'array', items: { type: 'object' } },
      OR: { type: 'array', items: { type: 'object' } },
      NOT: { anyOf: [{ type: 'array', items: { type: 'object' } }, { type: 'object' }] },
      collection_identifiers: { type: 'array', items: { type: 'string' }, description: 'First stage only: fetch from these collections instead of the retriever\'s.' },
    },
  },

  validate(parameters, at) {
    const p = read(parameters, { at, templates: true });
    // Stored as sent (templates unresolved), defaults applied.
    const stored: Record<string, unknown> = { ...parametersObject(parameters, at), case_insensitive: p.case_insensitive };
    if (stored.field !== undefined && stored.operator === undefined) stored.operator = 'eq';
    return stored;
  },

  async run(input, parameters, context) {
    const p = read(parameters, { at: 'parameters', templates: false });
    const { at } = filterOf(parametersObject(parameters, 'parameters'), 'parameters');
    const filter: FilterNode | null = resolveFilterParameter(p.filter, at, context.inputs, p.case_insensitive !== true);
    if (context.stageIndex > 0) {
      const documents = input.filter((d: ExecutionDocument) => matches(filter, fieldsWithScore(d)));
      return { documents, metadata: { mode: 'in_memory' } };
    }
    const collections = await searchedCollections(context, p.collection_identifiers as string[] | undefined);
    if (collections.length === 0) return { documents: [], metadata: { mode: 'fetch', collections: 0 } };
    const hits = [];
    for (const collection of collections) {
      const target = searchTarget(context, [collection]);
      hits.push(...(await indexCall(() => context.index.filterDocuments({ ...target, filter, limit: FIRST_STAGE_LIMIT_PER_COLLECTION }))));
    }
    return { documents: await context.loadDocuments(hits), metadata: { mode: 'fetch', collections: collections.length } };
  },
};

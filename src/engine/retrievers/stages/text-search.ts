// text_search: BM25 over the documents' text fields (the index's text side). For hybrid search in
// one stage, give feature_search a `type: "text"` search next to a vector one.
import { checkFilterParameter, resolveFilterParameter } from './filters.ts';
import { KNN_CREDITS, MAX_QUERY_LENGTH } from './feature-search.ts';
import { integerParameter, invalidParameter, parametersObject, stringListParameter, type ParameterReader } from './parameters.ts';
import { indexCall, queryText, searchedCollections, searchTarget } from './search-common.ts';
import type { StageDefinition } from './stage-definition.ts';

interface TextSearchParameters {
  query: unknown;
  fields?: string[] | string;
  top_k: number | string;
  filters?: unknown;
  collection_identifiers?: string[] | string;
}

function read(parameters: unknown, r: ParameterReader): TextSearchParameters {
  const p = parametersObject(parameters, r.at);
  const query = p.query ?? p.text;
  if (r.templates) {
    if (query === undefined || query === null) invalidParameter(`${r.at}.query`, 'is required: a text or a template such as "{{INPUT.query}}"');
    if (typeof query !== 'string' && typeof query !== 'number') invalidParameter(`${r.at}.query`, 'expected a string');
    if (typeof query === 'string' && query.length > MAX_QUERY_LENGTH) invalidParameter(`${r.at}.query`, `has at most ${MAX_QUERY_LENGTH} characters`);
  }
  const out: TextSearchParameters = { query, top_k: integerParameter(p.top_k ?? p.limit, r, `${r.at}.top_k`, { min: 1, max: 10_000, default: 100 }) };
  const fields = stringListParameter(p.fields, r, `${r.at}.fields`, { maxItems: 50 });
  if (fields !== undefined) out.fields = fields;
  if (p.filters !== undefined && p.filters !== null) out.filters = r.templates ? checkFilterParameter(p.filters, `${r.at}.filters`) : p.filters;
  const collections = stringListParameter(p.collection_identifiers, r, `${r.at}.collection_identifiers`, { maxItems: 100 });
  if (collections !== undefined) out.collection_identifiers = collections;
  return out;
}

export const textSearchStage: StageDefinition = {
  stageId: 'text_search',
  aliases: ['bm25_search', 'keyword_search'],
  category: 'filter',
  description: 'Full-text (BM25) search over the documents\' text fields.',
  icon: 'text-search',
  parameterSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', maxLength: MAX_QUERY_LENGTH, description: 'The query text, usually a template: "{{INPUT.query}}".' },
      fields: { type: 'array', items: { type: 'string' }, description: 'Top-level text fields to search (default: every indexed text field).' },
      top_k: { anyOf: [{ type: 'integer', minimum: 1, maximum: 10000 }, { type: 'string' }], default: 100 },
      filters: { type: 'object', additionalProperties: true, description: 'Pre-filter (SPEC §0.4 filter language).' },
      collection_identifiers: { type: 'array', items: { type: 'string' } },
    },
    required: ['query'],
  },

  validate(parameters, at) {
    return { ...read(parameters, { at, templates: true }) };
  },

  async run(_input, parameters, context) {
    const p = read(parameters, { at: 'parameters', templates: false });
    const text = queryText(p.query, 'parameters.query');
    if (text === '') return { documents: [], metadata: { skipped: 'empty query' } };
    if (text.length > MAX_QUERY_LENGTH) invalidParameter('parameters.query', `a query has at most ${MAX_QUERY_LENGTH} characters`);
    const collections = await searchedCollections(context, p.collection_identifiers as string[] | undefined);
    if (collections.length === 0) return { documents: [], metadata: { collections: 0 } };
    const filter = resolveFilterParameter(p.filters, 'parameters.filters', context.inputs);
    context.spend(KNN_CREDITS, 'text_search');
    const hits = await indexCall(() => context.index.searchText({ ...searchTarget(context, collections), text, fields: (p.fields as string[] | undefined) ?? null, k: p.top_k as number, filter }));
    return { documents: await context.loadDocuments(hits), metadata: { hits: hits.length } };
  },
};

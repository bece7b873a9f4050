// feature_search (SPEC §16): one or more searches over the collections' vector indexes (and BM25,
// for hybrid search), fused into one ranking.
//
// A search is a vector search over a feature URI (`mixpeek://text_extractor@v1/embedding`, or the
// exact URI a collection lists in vector_indexes), whose query text is embedded with the model the
// namespace locked for it; or, with `type: "text"`, a BM25 search over the documents' text fields.
// Mixpeek reaches hybrid search through sparse feature URIs Tessera has no model for; the `text`
// type is Tessera's name for the lexical side, fused with the vector side like any other search.
//
// Legacy forms are accepted and normalised at creation: `feature_uri` or `feature_uris` with
// `input`/`query` and `limit` at the top level (one search per URI).
import { BadRequestError } from '../../errors.ts';
import type { SearchHit } from '../../ports/search-index.ts';
import { FUSION_METHODS, fuse, type FusionMethod } from '../fusion.ts';
import type { FeatureAddress } from '../types.ts';
import { isTemplate } from '../template.ts';
import { checkFilterParameter, resolveFilterParameter } from './filters.ts';
import {
  enumParameter,
  integerParameter,
  invalidParameter,
  isPlainObject,
  numberParameter,
  parametersObject,
  stringListParameter,
  stringParameter,
  type ParameterReader,
} from './parameters.ts';
import { indexCall, queryText, searchedCollections, searchTarget } from './search-common.ts';
import type { StageDefinition } from './stage-definition.ts';

const MAX_SEARCHES = 10;
const MAX_TOP_K = 10_000;
export const MAX_QUERY_LENGTH = 10_000;
const TEXT_TYPES = new Set(['text', 'bm25', 'keyword', 'lexical']);
const VECTOR_TYPES = new Set(['vector', 'dense', 'semantic', 'knn']);
const FUSION_ALIASES: Record<string, FusionMethod> = { linear: 'weighted', weighted_sum: 'weighted' };
const UNSUPPORTED_PARAMETERS = ['group_by', 'facets'] as const;
/** Credits (SPEC §20): a knn query 0.1; a BM25 query fused into a hybrid search 0.2. */
export const KNN_CREDITS = 0.1;
export const HYBRID_TEXT_CREDITS = 0.2;

export interface NormalisedSearch {
  type: 'vector' | 'text';
  feature_uri?: string;
  query: unknown;
  top_k: number | string;
  filters?: unknown;
  weight: number | string;
  fields?: string[] | string;
}

const FEATURE_URI = /^mixpeek:\/\/([A-Za-z0-9_-]+)@([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

/** The extractor outputs a retriever's feature_search stages read (RetrieverConfig.feature_dependencies). */
export function featureAddresses(parameters: Record<string, unknown>): FeatureAddress[] {
  const searches = Array.isArray(parameters.searches) ? parameters.searches : [];
  const out: FeatureAddress[] = [];
  for (const s of searches) {
    const uri = isPlainObject(s) ? s.feature_uri : undefined;
    const m = typeof uri === 'string' ? FEATURE_URI.exec(uri) : null;
    if (m) out.push({ scheme: 'mixpeek', extractor: m[1]!, version: m[2]!, output: m[3]! });
  }
  return out;
}

function legacySearches(p: Record<string, unknown>): unknown[] | undefined {
  if (p.searches !== undefined && p.searches !== null) return undefined;
  const uris = p.feature_uris ?? (p.feature_uri !== undefined ? [p.feature_uri] : undefined);
  if (uris === undefined) return undefined;
  let query = p.query ?? p.input;
  if (isPlainObject(query) && query.input_mode === undefined) query = query.text ?? query.value ?? query.query;
  const list = Array.isArray(uris) ? uris : [uris];
  return list.map((feature_uri) => ({ feature_uri, query, top_k: p.top_k ?? p.limit, filters: p.filters }));
}

const DOCUMENT_MODES = new Set(['document', 'document_reference']);

function isDocumentReference(value: unknown): value is { collection_id: string; document_id: string } {
  return isPlainObject(value) && typeof value.collection_id === 'string' && typeof value.document_id === 'string' && value.collection_id.length > 0 && value.document_id.length > 0 && value.collection_id.length <= 200 && value.document_id.length <= 200;
}

/**
 * A search's query: a text (a literal or a template), `{input_mode: "text", value}`, or
 * `{input_mode: "document", value: {collection_id, document_id}}` (or a template resolving to a
 * document_reference input) to search with that document's stored vector ("find similar").
 */
function readQuery(raw: unknown, r: ParameterReader, at: string): unknown {
  if (raw === undefined || raw === null) {
    // At run time a query whose template found no input is empty: the search finds nothing.
    if (!r.templates) return '';
    invalidParameter(at, 'is required: a text or a template such as "{{INPUT.query}}"');
  }
  if (typeof raw === 'string') return stringParameter(raw, r, at, { maxLength: MAX_QUERY_LENGTH });
  if (typeof raw === 'number') return raw;
  if (!isPlainObject(raw)) invalidParameter(at, 'expected a string or {input_mode: "text", value}');
  if (raw.input_mode === undefined && isDocumentReference(raw)) return { input_mode: 'document', value: { collection_id: raw.collection_id, document_id: raw.document_id } };
  const mode = raw.input_mode ?? 'text';
  const value = raw.value ?? raw.text ?? (raw.document_id !== undefined ? { collection_id: raw.collection_id, document_id: raw.document_id } : undefined);
  if (typeof mode === 'string' && DOCUMENT_MODES.has(mode)) {
    if (value === undefined || value === null) {
      if (!r.templates) return { input_mode: 'document', value: null };
      invalidParameter(`${at}.value`, 'is required: {collection_id, document_id} or a template such as "{{INPUT.reference}}"');
    }
    if (r.templates && isTemplate(value)) return { input_mode: 'document', value: stringParameter(value, r, `${at}.value`) };
    if (!isDocumentReference(value)) invalidParameter(`${at}.value`, 'expected {collection_id, document_id}');
    return { input_mode: 'document', value: { collection_id: value.collection_id, document_id: value.document_id } };
  }
  if (mode !== 'text') {
    invalidParameter(`${at}.input_mode`, `input_mode '${String(mode).slice(0, 40)}' is not supported: Tessera searches with text queries or stored document vectors`, { allowed: ['text', 'document'] });
  }
  if ((value === undefined || value === null) && !r.templates) return { input_mode: 'text', value: '' };
  if (value === undefined || value === null) invalidParameter(`${at}.value`, 'is required');
  if (!r.templates && isDocumentReference(value)) return { input_mode: 'document', value };
  if (typeof value !== 'string' && typeof value !== 'number') invalidParameter(`${at}.value`, 'expected a string');
  if (typeof value === 'string') stringParameter(value, r, `${at}.value`, { maxLength: MAX_QUERY_LENGTH });
  return { input_mode: 'text', value };
}

function readSearch(raw: unknown, r: ParameterReader, at: string): NormalisedSearch {
  if (!isPlainObject(raw)) invalidParameter(at, 'expected an object {feature_uri, query, top_k, filters, weight}');
  const typeName = raw.type ?? raw.search_type ?? (raw.feature_uri === 'bm25' ? 'text' : 'vector');
  if (typeof typeName !== 'string' || (!TEXT_TYPES.has(typeName) && !VECTOR_TYPES.has(typeName))) invalidParameter(`${at}.type`, 'expected "vector" or "text" (BM25)', { allowed: ['vector', 'text'] });
  const type = TEXT_TYPES.has(typeName) ? 'text' : 'vector';
  const search: NormalisedSearch = {
    type,
    query: readQuery(raw.query ?? raw.input ?? raw.text, r, `${at}.query`),
    top_k: integerParameter(raw.top_k ?? raw.limit, r, `${at}.top_k`, { min: 1, max: MAX_TOP_K, default: 100 }),
    weight: numberParameter(raw.weight, r, `${at}.weight`, { min: 0, max: 1000, default: 1 })!,
  };
  if (type === 'vector') {
    const uri = stringParameter(raw.feature_uri, r, `${at}.feature_uri`, { required: true, maxLength: 500 })!;
    if (!isTemplate(uri) && uri.trim() === '') invalidParameter(`${at}.feature_uri`, 'must not be empty');
    search.feature_uri = uri;
  } else {
    const fields = stringListParameter(raw.fields, r, `${at}.fields`, { maxItems: 50 });
    if (fields !== undefined) search.fields = fields;
  }
  const filters = raw.filters ?? raw.pre_filters;
  if (filters !== undefined && filters !== null) search.filters = r.templates ? checkFilterParameter(filters, `${at}.filters`) : filters;
  return search;
}

export interface FeatureSearchParameters {
  searches: NormalisedSearch[];
  final_top_k: number | string;
  fusion: FusionMethod | string;
  collection_identifiers?: string[] | string;
}

export function readFeatureSearch(parameters: unknown, r: ParameterReader): FeatureSearchParameters {
  const p = parametersObject(parameters, r.at);
  for (const name of UNSUPPORTED_PARAMETERS) {
    if (p[name] !== undefined && p[name] !== null) invalidParameter(`${r.at}.${name}`, `${name} is not supported by Tessera's feature_search`);
  }
  const legacy = legacySearches(p);
  const rawSearches = legacy ?? p.searches;
  if (rawSearches === undefined || rawSearches === null) invalidParameter(`${r.at}.searches`, 'is required: a list of {feature_uri, query, top_k}');
  if (!Array.isArray(rawSearches) || rawSearches.length === 0) invalidParameter(`${r.at}.searches`, 'expected a non-empty list of searches');
  if (rawSearches.length > MAX_SEARCHES) invalidParameter(`${r.at}.searches`, `at most ${MAX_SEARCHES} searches`, { limit: MAX_SEARCHES });
  const searches = rawSearches.map((s, i) => readSearch(s, r, `${r.at}.searches[${i}]`));

  let fusionRaw = p.fusion ?? p.fusion_method ?? 'rrf';
  if (typeof fusionRaw === 'string' && Object.hasOwn(FUSION_ALIASES, fusionRaw)) fusionRaw = FUSION_ALIASES[fusionRaw]!;
  if (fusionRaw === 'learned') throw new BadRequestError(`${r.at}.fusion: 'learned' fusion is not supported; use rrf, weighted, max or dbsf`, { field: `${r.at}.fusion`, allowed: [...FUSION_METHODS] }, 'invalid_stage_parameters');
  const out: FeatureSearchParameters = {
    searches,
    final_top_k: integerParameter(p.final_top_k ?? (legacy ? p.limit : undefined), r, `${r.at}.final_top_k`, { min: 1, max: MAX_TOP_K, default: 25 }),
    fusion: enumParameter(fusionRaw, r, `${r.at}.fusion`, FUSION_METHODS, 'rrf'),
  };
  const collections = stringListParameter(p.collection_identifiers, r, `${r.at}.collection_identifiers`, { maxItems: 100 });
  if (collections !== undefined) out.collection_identifiers = collections;
  return out;
}

const searchSchema = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['vector', 'text'], default: 'vector', description: '"vector": embed the query and search a feature URI; "text": BM25 over the documents\' text fields (hybrid search when fused with a vector search).' },
    feature_uri: { type: 'string', description: 'The vector index to search (type "vector"): mixpeek://{extractor}@{version}/{output}, e.g. mixpeek://text_extractor@v1/embedding.', examples: ['mixpeek://text_extractor@v1/embedding'] },
    query: {
      description: 'The query: a template string such as "{{INPUT.query}}", a literal text, or {input_mode: "text", value}.',
      anyOf: [
        { type: 'string', maxLength: MAX_QUERY_LENGTH },
        { type: 'object', properties: { input_mode: { type: 'string', enum: ['text', 'document'] }, value: { description: 'The text (input_mode "text"), or {collection_id, document_id} (input_mode "document": search with that document\'s stored vector)' }, text: { type: 'string' } } },
      ],
    },
    top_k: { anyOf: [{ type: 'integer', minimum: 1, maximum: MAX_TOP_K }, { type: 'string', description: 'A template' }], default: 100, description: 'Candidates this search returns before fusion.' },
    filters: { type: 'object', description: 'Pre-filter (SPEC §0.4 filter language); values may be templates or {type: "dynamic", field: "inputs.x"}.', additionalProperties: true },
    weight: { anyOf: [{ type: 'number', minimum: 0, maximum: 1000 }, { type: 'string' }], default: 1.0, description: 'This search\'s weight in the fusion.' },
    fields: { type: 'array', items: { type: 'string' }, description: 'Type "text": the top-level text fields searched (default: every indexed text field).' },
  },
  required: ['query'],
};

export const featureSearchStage: StageDefinition = {
  stageId: 'feature_search',
  aliases: ['semantic_search', 'hybrid_search', 'knn_search'],
  category: 'filter',
  description: 'Vector and hybrid (vector + BM25) search over one or more feature URIs, fused into one ranking (rrf, weighted, max, dbsf).',
  icon: 'search',
  parameterSchema: {
    type: 'object',
    properties: {
      searches: { type: 'array', minItems: 1, maxItems: MAX_SEARCHES, items: searchSchema, description: 'The searches to run and fuse.' },
      final_top_k: { anyOf: [{ type: 'integer', minimum: 1, maximum: MAX_TOP_K }, { type: 'string' }], default: 25, description: 'Documents kept after fusion.' },
      fusion: { type: 'string', enum: [...FUSION_METHODS], default: 'rrf', description: 'How several searches are fused: rrf (k = 60), weighted (weighted sum of min-max normalised scores), max, dbsf (distribution-based).' },
      collection_identifiers: { type: 'array', items: { type: 'string' }, description: 'Search these collections (names or ids) instead of the retriever\'s.' },
    },
    required: ['searches'],
  },

  validate(parameters, at) {
    return { ...readFeatureSearch(parameters, { at, templates: true }) };
  },

  async run(_input, parameters, context) {
    const p = readFeatureSearch(parameters, { at: 'parameters', templates: false });
    const collections = await searchedCollections(context, p.collection_identifiers as string[] | undefined);
    const perSearch: Record<string, unknown>[] = [];
    if (collections.length === 0) return { documents: [], metadata: { searches: p.searches.length, fusion: p.fusion, collections: 0 } };
    const target = searchTarget(context, collections);
    const hybrid = p.searches.length > 1 && p.searches.some((s) => s.type === 'text');
    const lists: { hits: SearchHit[]; weight: number }[] = [];
    for (const [i, s] of p.searches.entries()) {
      const at = `parameters.searches[${i}]`;
      const weight = s.weight as number;
      const filter = () => resolveFilterParameter(s.filters, `${at}.filters`, context.inputs);
      let hits: SearchHit[];
      if (isPlainObject(s.query) && s.query.input_mode === 'document') {
        const reference = s.query.value;
        if (!isDocumentReference(reference)) {
          lists.push({ hits: [], weight });
          perSearch.push({ type: s.type, feature_uri: s.feature_uri ?? null, hits: 0, skipped: 'no document reference' });
          continue;
        }
        if (s.type === 'text') invalidParameter(`${at}.query`, 'a text (BM25) search takes a text query, not a document');
        context.spend(KNN_CREDITS, 'knn_search');
        const { vectorName, vector } = await context.documentVector(s.feature_uri!, reference, collections);
        hits = await indexCall(() => context.index.searchVectors({ ...target, vectorName, vector, k: s.top_k as number, filter: filter() }));
        lists.push({ hits, weight });
        perSearch.push({ type: s.type, feature_uri: s.feature_uri ?? null, hits: hits.length, query: 'document' });
        continue;
      }
      const raw = isPlainObject(s.query) ? s.query.value : s.query;
      const text = queryText(raw, `${at}.query`);
      if (text === '') {
        lists.push({ hits: [], weight });
        perSearch.push({ type: s.type, feature_uri: s.feature_uri ?? null, hits: 0, skipped: 'empty query' });
        continue;
      }
      if (text.length > MAX_QUERY_LENGTH) invalidParameter(`${at}.query`, `a query has at most ${MAX_QUERY_LENGTH} characters`);
      if (s.type === 'text') {
        context.spend(hybrid ? HYBRID_TEXT_CREDITS : KNN_CREDITS, 'text_search');
        const fields = (s.fields as string[] | undefined) ?? null;
        hits = await indexCall(() => context.index.searchText({ ...target, text, fields, k: s.top_k as number, filter: filter() }));
      } else {
        context.spend(KNN_CREDITS, 'knn_search');
        const { vectorName, vector } = await context.embedQuery(s.feature_uri!, text, collections);
        hits = await indexCall(() => context.index.searchVectors({ ...target, vectorName, vector, k: s.top_k as number, filter: filter() }));
      }
      lists.push({ hits, weight });
      perSearch.push({ type: s.type, feature_uri: s.feature_uri ?? null, hits: hits.length });
    }
    const ranked = lists.length === 1 ? lists[0]!.hits : fuse(p.fusion as FusionMethod, lists);
    const documents = await context.loadDocuments(ranked.slice(0, p.final_top_k as number));
    return { documents, metadata: { searches: p.searches.length, fusion: lists.length > 1 ? p.fusion : null, per_search: perSearch } };
  },
};

// text_extractor v1 (SPEC §14.2): embeds a text field (one dense vector per document, cosine) and
// keeps the text; with split_by it first cuts the text into chunks, one document per chunk
// (position field chunk_index). LLM structured extraction (response_shape, llm_*) is refused:
// no LLM is wired into Tessera.
import { BadRequestError } from '../../errors.ts';
import type { ExtractedDocument, ExtractorDefinition, LockedModels, VectorIndexDefinition } from '../extractor-definition.ts';
import { chunkText, countTokens, SPLIT_STRATEGIES, type SplitStrategy } from './chunking.ts';
import { EMBEDDING_OUTPUT, lockTextModel } from './models.ts';

export const TEXT_INDEX_NAME = 'text_extractor_v1_embedding';
const LLM_PARAMETERS = ['response_shape', 'llm_provider', 'llm_model', 'llm_api_key'] as const;

export const textExtractor: ExtractorDefinition = {
  name: 'text_extractor',
  version: 'v1',
  description: 'Dense text embeddings for semantic search, with optional chunking of long texts (characters, words, sentences, paragraphs or pages).',
  icon: 'file-text',
  inputs: { text: { types: ['text', 'string'], required: true, description: 'The text to embed (a text blob or a string field).' } },
  maxInputs: { text: 1 },
  parameterSchema: {
    type: 'object',
    properties: {
      extractor_type: { type: 'string', const: 'text_extractor', description: 'Discriminator of the parameters union.' },
      split_by: { type: 'string', enum: [...SPLIT_STRATEGIES], default: 'none', description: 'How to cut the text into chunks before embedding; none keeps one document per input.' },
      chunk_size: { type: 'integer', minimum: 1, maximum: 10000, default: 1000, description: 'Units (characters, words, sentences, paragraphs or pages) per chunk.' },
      chunk_overlap: { type: 'integer', minimum: 0, maximum: 5000, default: 0, description: 'Units shared by consecutive chunks.' },
      response_shape: { anyOf: [{ type: 'string' }, { type: 'object' }, { type: 'null' }], description: 'LLM structured extraction: not supported by Tessera (no LLM is wired); must be null or absent.' },
      llm_provider: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'Not supported (no LLM is wired); must be null or absent.' },
      llm_model: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'Not supported (no LLM is wired); must be null or absent.' },
      llm_api_key: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'Not supported (no LLM is wired); must be null or absent.' },
    },
  },
  defaultParameters: { extractor_type: 'text_extractor', split_by: 'none', chunk_size: 1000, chunk_overlap: 0 },
  positionFields: ['chunk_index'],
  costs: { tier: 1, tier_label: 'SIMPLE', rates: [{ unit: '1k_tokens', credits_per_unit: 1, description: 'Text embedding, per 1,000 tokens of input text' }] },

  lockModels: lockTextModel,

  vectorIndexes(locked: LockedModels): VectorIndexDefinition[] {
    const m = locked[EMBEDDING_OUTPUT];
    if (!m) return [];
    const serviceId = m.inferenceServiceId ?? null;
    return [
      {
        feature_uri: `mixpeek://text_extractor@v1/${m.outputName}`,
        name: TEXT_INDEX_NAME,
        description: `Dense text embeddings for semantic search (${m.model}, ${m.dimensions} dimensions)`,
        type: 'single',
        index: {
          // Mixpeek derives the storage name from the inference service ('org/model' → 'org__model').
          name: serviceId === null ? m.model : serviceId.replace('/', '__').replace(/-/g, '_'),
          description: `Dense vector embedding of text content using ${m.model}`,
          dimensions: m.dimensions,
          type: 'dense',
          distance: 'cosine',
          datatype: 'float32',
          inference_service_id: serviceId,
          purpose: 'text',
        },
      },
    ];
  },

  outputFields(parameters) {
    const chunked = parameters.split_by !== undefined && parameters.split_by !== 'none';
    return {
      text: { type: 'text', description: 'The embedded text (the chunk when chunking)' },
      ...(chunked
        ? {
            chunk_index: { type: 'integer', description: 'Position of the chunk in its source text, from 0' },
            chunk_text: { type: 'text', description: 'The text of the chunk' },
            total_chunks: { type: 'integer', description: 'Chunks the source text was cut into' },
          }
        : {}),
    };
  },

  checkParameters(parameters, at) {
    for (const key of LLM_PARAMETERS) {
      if (parameters[key] !== undefined && parameters[key] !== null) {
        throw new BadRequestError(`${at}.${key} is not supported: LLM structured extraction needs an LLM, and none is wired into Tessera`, { field: `${at}.${key}`, parameter: key }, 'unsupported_parameter');
      }
    }
  },

  creditsFor(inputs) {
    let tokens = 0;
    for (const input of inputs) tokens += countTokens(textOf(input.inputs.text) ?? '');
    return Math.ceil(tokens / 1000);
  },

  async extract(inputs, context) {
    const model = context.locked[EMBEDDING_OUTPUT];
    if (!model) throw new Error('text_extractor runs with a locked embedding model');
    const splitBy = (context.parameters.split_by ?? 'none') as SplitStrategy;
    const chunked = splitBy !== 'none';
    const options = { splitBy, chunkSize: Number(context.parameters.chunk_size ?? 1000), chunkOverlap: Number(context.parameters.chunk_overlap ?? 0) };
    // An input without text (missing field, null) makes no document.
    const perInput = inputs.map((input) => {
      const text = textOf(input.inputs.text);
      return text === null ? [] : chunked ? chunkText(text, options) : [text];
    });
    const texts = perInput.flat();
    const vectors = texts.length === 0 ? [] : await context.inference.embedText(model.model, texts, { purpose: 'passage', ...(context.signal ? { signal: context.signal } : {}) });
    let next = 0;
    return perInput.map((chunks) =>
      chunks.map((chunk, i): ExtractedDocument => ({
        position: { chunk_index: i },
        fields: chunked ? { text: chunk, chunk_index: i, chunk_text: chunk, total_chunks: chunks.length } : { text: chunk },
        vectors: { [TEXT_INDEX_NAME]: vectors[next++]! },
      })),
    );
  },
};

/** The text of an input value: strings as they are, numbers and booleans as text, anything else none. */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

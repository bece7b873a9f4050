// Writes a tiny BERT-shaped sentence-embedding model into a models directory, in the layout
// @huggingface/transformers loads (<dir>/<org>/<model>/config.json, tokenizer.json,
// tokenizer_config.json, onnx/model.onnx), so tests run the real loading and inference code without
// network or downloaded weights. The graph: last_hidden_state = (word_embeddings[input_ids] +
// type_embeddings[token_type_ids]) * attention_mask, from seeded pseudo-random tables.
import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { mulberry32 } from '../../src/lib/prng.ts';

const { onnx } = onnxProto;

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const WORDS = ['the', 'cat', 'dog', 'sat', 'on', 'mat', 'search', 'engine', 'vector', 'model', 'tessera', 'text', 'hello', 'world'];

/** The WordPiece vocabulary: special tokens, whole words, single characters and their '##' continuations. */
export function tinyVocabulary(): string[] {
  return [...SPECIAL, ...WORDS, ...LETTERS, ...LETTERS.map((c) => `##${c}`)];
}

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32). */
function seeded(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() * 2 - 1;
}

function floatTensor(name: string, dims: number[], values: Float32Array) {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

function tensorInput(name: string, elemType: number, dims: (string | number)[]) {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** The ONNX bytes of the tiny model. */
export function tinyOnnxModel(vocabSize: number, dimensions: number, seed = 7): Uint8Array {
  const rand = seeded(seed);
  const words = new Float32Array(vocabSize * dimensions).map(() => rand());
  const types = new Float32Array(2 * dimensions).map(() => rand() * 0.1);
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const axes = { name: 'unsqueeze_axes', dims: [1], dataType: INT64, int64Data: [-1] };
  const graph = {
    name: 'tiny_bert',
    node: [
      { opType: 'Gather', input: ['word_embeddings', 'input_ids'], output: ['words'], name: 'gather_words', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
      { opType: 'Gather', input: ['type_embeddings', 'token_type_ids'], output: ['types'], name: 'gather_types', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
      { opType: 'Add', input: ['words', 'types'], output: ['summed'], name: 'add' },
      { opType: 'Cast', input: ['attention_mask'], output: ['mask_float'], name: 'cast_mask', attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] },
      { opType: 'Unsqueeze', input: ['mask_float', 'unsqueeze_axes'], output: ['mask_3d'], name: 'unsqueeze_mask' },
      { opType: 'Mul', input: ['summed', 'mask_3d'], output: ['last_hidden_state'], name: 'mask' },
    ],
    initializer: [floatTensor('word_embeddings', [vocabSize, dimensions], words), floatTensor('type_embeddings', [2, dimensions], types), axes],
    input: [tensorInput('input_ids', INT64, ['batch', 'sequence']), tensorInput('attention_mask', INT64, ['batch', 'sequence']), tensorInput('token_type_ids', INT64, ['batch', 'sequence'])],
    output: [tensorInput('last_hidden_state', FLOAT, ['batch', 'sequence', dimensions])],
  };
  const model = onnx.ModelProto.create({ irVersion: 8, producerName: 'tessera-tests', opsetImport: [{ domain: '', version: 17 }], graph });
  return onnx.ModelProto.encode(model).finish();
}

/** The tokenizer.json of a lower-casing BERT WordPiece tokenizer over the tiny vocabulary. */
export function tinyTokenizer(vocabulary: string[], maxLength: number): Record<string, unknown> {
  const id = (t: string) => vocabulary.indexOf(t);
  const special = (t: string) => ({ SpecialToken: { id: t, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
      pair: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: maxLength,
      vocab: Object.fromEntries(vocabulary.map((t, i) => [t, i])),
    },
  };
}

/**
 * Writes the tiny model under <modelsDir>/<repository> ('org/model') and returns its directory.
 * `dimensions` is the hidden size (the embedding dimension after pooling).
 */
export function writeTinyModel(modelsDir: string, repository: string, dimensions = 32): string {
  const dir = path.join(modelsDir, ...repository.split('/'));
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const vocabulary = tinyVocabulary();
  const maxLength = 128;
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dimensions, vocab_size: vocabulary.length, max_position_embeddings: maxLength, num_attention_heads: 1, num_hidden_layers: 1, type_vocab_size: 2 }),
  );
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizer(vocabulary, 100)));
  fs.writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: maxLength, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' }),
  );
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), tinyOnnxModel(vocabulary.length, dimensions));
  return dir;
}

/**
 * A catalogue entry for a tiny model written with writeTinyModel: pass it as `extraModels` to
 * openInference / openRuntime / buildApp (createTestApp's options) to run neural-model code paths.
 */
export function tinyModelEntry(name = 'tiny_test_v1', repository = 'tessera-test/tiny-bert', dimensions = 32, prefixes = { query: '', passage: '' }) {
  return {
    name,
    repository,
    inferenceServiceId: repository,
    dimensions,
    maxInputLength: 128,
    dtype: 'fp32' as const,
    externalData: false,
    prefixes,
    description: 'A tiny BERT-shaped test model (random embeddings, no semantics)',
  };
}

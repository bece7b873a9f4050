// The inference port with only the built-in lexical embedder: cheap enough to run on the event loop
// (≈ 90k short texts/s on one core), so it needs no worker thread.
import { ModelUnavailableError, type EmbedOptions, type InferencePort, type TextModelInfo } from '../../engine/ports/inference.ts';
import { embedLexical, LEXICAL_MODEL } from './lexical-text-embedder.ts';

export class LexicalInference implements InferencePort {
  async textModels(): Promise<TextModelInfo[]> {
    return [LEXICAL_MODEL];
  }

  async textModel(name: string): Promise<TextModelInfo | null> {
    return name === LEXICAL_MODEL.name ? LEXICAL_MODEL : null;
  }

  async embedText(model: string, texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (model !== LEXICAL_MODEL.name) throw new ModelUnavailableError(model, 'only the built-in lexical model runs in this process');
    options.signal?.throwIfAborted();
    return texts.map((t) => embedLexical(t));
  }

  async close(): Promise<void> {}
}

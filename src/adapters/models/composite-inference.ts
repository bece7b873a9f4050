// The inference port a process uses (compose.ts openInference): the built-in lexical model, run
// inline (cheap, always there), plus the neural models of the models directory, run on worker
// threads. Each call goes to the adapter that has the model.
import type { EmbedOptions, InferencePort, TextModelInfo } from '../../engine/ports/inference.ts';
import { LexicalInference } from './lexical-inference.ts';
import { LEXICAL_MODEL } from './lexical-text-embedder.ts';

export class CompositeInference implements InferencePort {
  private readonly lexical = new LexicalInference();

  constructor(private readonly neural: InferencePort) {}

  async textModels(): Promise<TextModelInfo[]> {
    return [...(await this.lexical.textModels()), ...(await this.neural.textModels())];
  }

  async textModel(name: string): Promise<TextModelInfo | null> {
    return name === LEXICAL_MODEL.name ? this.lexical.textModel(name) : this.neural.textModel(name);
  }

  embedText(model: string, texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return model === LEXICAL_MODEL.name ? this.lexical.embedText(model, texts, options) : this.neural.embedText(model, texts, options);
  }

  async close(): Promise<void> {
    await Promise.all([this.lexical.close(), this.neural.close()]);
  }
}

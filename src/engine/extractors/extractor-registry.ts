// The feature extractor catalogue (SPEC §14): one line per extractor. Adding an extractor is one
// folder beside this file (implementing extractor-definition.ts) and one line below.
import { BadRequestError } from '../errors.ts';
import type { ExtractorDefinition } from './extractor-definition.ts';
import { passthroughExtractor } from './passthrough-extractor/index.ts';
import { textExtractor } from './text-extractor/index.ts';

export const BUILTIN_EXTRACTORS: readonly ExtractorDefinition[] = [
  textExtractor,
  passthroughExtractor,
];

export class ExtractorRegistry {
  private readonly byId: ReadonlyMap<string, ExtractorDefinition>;

  constructor(readonly extractors: readonly ExtractorDefinition[] = BUILTIN_EXTRACTORS) {
    this.byId = new Map(extractors.map((e) => [extractorIdOf(e.name, e.version), e]));
  }

  /** By feature_extractor_id (`name_version`, e.g. text_extractor_v1). */
  find(id: string): ExtractorDefinition | undefined {
    return this.byId.get(id);
  }

  get(name: string, version: string): ExtractorDefinition | undefined {
    return this.byId.get(extractorIdOf(name, version));
  }

  /** The extractor, or a 400 naming the ones that exist (`at`: where the request named it). */
  require(name: string, version: string, at: string): ExtractorDefinition {
    const found = this.get(name, version);
    if (found) return found;
    const known = this.extractors.map((e) => `${e.name}@${e.version}`);
    throw new BadRequestError(`Unknown feature extractor '${name}' version '${version}': the known extractors are ${known.join(', ')}`, { field: at, feature_extractor_name: name, version, known_extractors: known }, 'unknown_extractor');
  }
}

export function extractorIdOf(name: string, version: string): string {
  return `${name}_${version}`;
}

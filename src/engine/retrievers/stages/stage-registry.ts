// The stage catalogue (SPEC §16): one line per stage. GET /v1/retrievers/stages lists it; a
// retriever's stage_id (or a legacy alias) is resolved through it at creation and at run time.
import type { StageCategory } from '../types.ts';
import { attributeFilterStage } from './attribute-filter.ts';
import { deduplicateStage } from './deduplicate.ts';
import { featureSearchStage } from './feature-search.ts';
import { limitStage } from './limit.ts';
import { sampleStage } from './sample.ts';
import { scoreNormalizeStage } from './score-normalize.ts';
import { sortAttributeStage } from './sort-attribute.ts';
import { sortRelevanceStage } from './sort-relevance.ts';
import type { StageDefinition } from './stage-definition.ts';
import { textSearchStage } from './text-search.ts';

export const BUILT_IN_STAGES: readonly StageDefinition[] = [
  featureSearchStage,
  textSearchStage,
  attributeFilterStage,
  sortRelevanceStage,
  sortAttributeStage,
  scoreNormalizeStage,
  limitStage,
  sampleStage,
  deduplicateStage,
];

export class StageRegistry {
  private readonly byId = new Map<string, StageDefinition>();
  private readonly byAlias = new Map<string, StageDefinition>();

  constructor(private readonly stages: readonly StageDefinition[] = BUILT_IN_STAGES) {
    for (const stage of stages) {
      if (this.byId.has(stage.stageId)) throw new Error(`stage '${stage.stageId}' registered twice`);
      this.byId.set(stage.stageId, stage);
    }
    for (const stage of stages) {
      for (const alias of stage.aliases ?? []) {
        if (this.byId.has(alias) || this.byAlias.has(alias)) throw new Error(`stage alias '${alias}' is taken`);
        this.byAlias.set(alias, stage);
      }
    }
  }

  /** In catalogue order, optionally one category's. */
  list(category?: StageCategory | string): StageDefinition[] {
    return this.stages.filter((s) => category === undefined || s.category === category);
  }

  /** By stage id or legacy alias (`semantic_search` → feature_search); undefined when unknown. */
  resolve(stageIdOrAlias: string): StageDefinition | undefined {
    return this.byId.get(stageIdOrAlias) ?? this.byAlias.get(stageIdOrAlias);
  }
}

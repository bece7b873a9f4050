// The collection as the engine knows it (SPEC §12). Presenters turn it into CollectionResponse.
import type { VectorIndexDefinition, OutputFields } from '../extractors/extractor-definition.ts';
import type { FilterNode } from '../query/types.ts';

export interface CollectionSource {
  type: 'bucket' | 'collection';
  /** type 'bucket': the source buckets (≥ 1); empty for 'collection'. */
  bucketIds: string[];
  /** type 'collection': the upstream collections (≥ 1); empty for 'bucket'. */
  collectionIds: string[];
  /** For collections sourced from collections: the buckets at the root of the DAG. */
  inheritedBucketIds: string[];
  /** Only source items matching this filter are processed; null = all. */
  sourceFilters: FilterNode | null;
}

export interface FieldPassthrough {
  source_path: string;
  target_path: string;
  default: unknown;
  required: boolean;
}

export interface CollectionExtractor {
  feature_extractor_name: string;
  version: string;
  /** Extractor parameters, defaults applied and validated against the extractor's parameterSchema. */
  parameters: Record<string, unknown>;
  /** Extractor input name → source field path (e.g. { text: 'content' } or 'metadata.body'). */
  input_mappings: Record<string, string>;
  field_passthrough: FieldPassthrough[];
  include_all_source_fields: boolean;
  /**
   * The namespace's locked params for this extractor at the collection's creation, models under
   * `locked_models` (read them with extractors/locked-models.ts lockedModelsOf). Always set by
   * CollectionService; optional only so records built elsewhere (tests) need not carry it.
   */
  params?: Record<string, unknown>;
}

export type CollectionStatus = 'ACTIVE' | 'DELETING';

export interface Collection {
  collectionId: string;
  organizationInternalId: string;
  namespaceId: string;
  collectionName: string;
  description: string | null;
  source: CollectionSource;
  /** The source's schema at creation (bucket schema or upstream output_schema). */
  inputSchema: OutputFields;
  /** Passthrough fields + extractor outputs, known at creation. */
  outputSchema: OutputFields;
  featureExtractor: CollectionExtractor;
  vectorIndexes: VectorIndexDefinition[];
  /** 0 when sourced from buckets, upstream tier + 1 otherwise. */
  tier: number;
  enabled: boolean;
  metadata: Record<string, unknown>;
  schemaVersion: number;
  status: CollectionStatus;
  createdAt: string;
  updatedAt: string;
}

/** What PATCH may change (SPEC §22: the rest is immutable; clone instead). */
export interface CollectionChanges {
  collectionName?: string;
  description?: string | null;
  enabled?: boolean;
  metadata?: Record<string, unknown>;
}

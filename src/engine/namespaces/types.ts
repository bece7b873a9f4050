// The namespace as the engine knows it (SPEC §6). Presenters turn it into NamespaceModel.

export interface FeatureExtractorConfig {
  feature_extractor_name: string;
  version: string;
  /** Locked at creation: they fix models and vector dimensions. */
  params: Record<string, unknown> | null;
}

export const PAYLOAD_INDEX_TYPES = ['keyword', 'integer', 'float', 'bool', 'geo', 'datetime', 'text', 'uuid'] as const;
export type PayloadIndexType = (typeof PAYLOAD_INDEX_TYPES)[number];

export interface PayloadIndexConfig {
  field_name: string;
  type: PayloadIndexType;
  field_schema: Record<string, unknown> | null;
  is_protected: boolean;
}

export type NamespaceStatus = 'ACTIVE' | 'DELETING';

export interface Namespace {
  namespaceId: string;
  organizationInternalId: string;
  namespaceName: string;
  description: string | null;
  featureExtractors: FeatureExtractorConfig[];
  payloadIndexes: PayloadIndexConfig[];
  autoCreateIndexes: boolean;
  infrastructure: Record<string, unknown> | null;
  status: NamespaceStatus;
  /** Set by ttl_seconds at creation: the queue deletes the namespace then. */
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a namespace holds, counted from the stored rows whenever it is read. */
export interface NamespaceCounts {
  bucketCount: number;
  objectCount: number;
  collectionCount: number;
  documentCount: number;
}

export const NO_COUNTS: NamespaceCounts = { bucketCount: 0, objectCount: 0, collectionCount: 0, documentCount: 0 };

export interface NamespaceWithCounts extends Namespace {
  counts: NamespaceCounts;
}

export interface NamespaceChanges {
  namespaceName?: string;
  description?: string | null;
  payloadIndexes?: PayloadIndexConfig[];
  autoCreateIndexes?: boolean;
  infrastructure?: Record<string, unknown> | null;
}
